# ui-source-sha256: 6692617b7d9dd3145fa8206675806a45e1b7749d26621151c083b9436285a56b
# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'ticket_form.ui'
##
## Created by: Qt User Interface Compiler version 6.12.0
##
## WARNING! All changes made in this file will be lost when recompiling UI file!
################################################################################

from PySide6.QtCore import (QCoreApplication, QDate, QDateTime, QLocale,
    QMetaObject, QObject, QPoint, QRect,
    QSize, QTime, QUrl, Qt)
from PySide6.QtGui import (QBrush, QColor, QConicalGradient, QCursor,
    QFont, QFontDatabase, QGradient, QIcon,
    QImage, QKeySequence, QLinearGradient, QPainter,
    QPalette, QPixmap, QRadialGradient, QTransform)
from PySide6.QtWidgets import (QApplication, QComboBox, QGridLayout, QHBoxLayout,
    QLabel, QLineEdit, QPlainTextEdit, QPushButton,
    QSizePolicy, QSpacerItem, QVBoxLayout, QWidget)

class Ui_TicketForm(object):
    def setupUi(self, TicketForm):
        if not TicketForm.objectName():
            TicketForm.setObjectName(u"TicketForm")
        TicketForm.resize(560, 640)
        self.outerLayout = QVBoxLayout(TicketForm)
        self.outerLayout.setSpacing(6)
        self.outerLayout.setObjectName(u"outerLayout")
        self.fieldGrid = QGridLayout()
        self.fieldGrid.setObjectName(u"fieldGrid")
        self.fieldGrid.setHorizontalSpacing(8)
        self.fieldGrid.setVerticalSpacing(2)
        self.requesterPhoneLabel = QLabel(TicketForm)
        self.requesterPhoneLabel.setObjectName(u"requesterPhoneLabel")

        self.fieldGrid.addWidget(self.requesterPhoneLabel, 0, 0, 1, 1)

        self.requesterPhoneEdit = QLineEdit(TicketForm)
        self.requesterPhoneEdit.setObjectName(u"requesterPhoneEdit")
        self.requesterPhoneEdit.setProperty(u"field", u"requester_phone")

        self.fieldGrid.addWidget(self.requesterPhoneEdit, 0, 1, 1, 1)

        self.requesterPhoneError = QLabel(TicketForm)
        self.requesterPhoneError.setObjectName(u"requesterPhoneError")
        self.requesterPhoneError.setWordWrap(True)
        self.requesterPhoneError.setProperty(u"role", u"error")
        self.requesterPhoneError.setProperty(u"errorFor", u"requester_phone")

        self.fieldGrid.addWidget(self.requesterPhoneError, 1, 1, 1, 1)

        self.requesterNameLabel = QLabel(TicketForm)
        self.requesterNameLabel.setObjectName(u"requesterNameLabel")

        self.fieldGrid.addWidget(self.requesterNameLabel, 0, 2, 1, 1)

        self.requesterNameEdit = QLineEdit(TicketForm)
        self.requesterNameEdit.setObjectName(u"requesterNameEdit")
        self.requesterNameEdit.setProperty(u"field", u"requester_name")

        self.fieldGrid.addWidget(self.requesterNameEdit, 0, 3, 1, 1)

        self.requesterNameError = QLabel(TicketForm)
        self.requesterNameError.setObjectName(u"requesterNameError")
        self.requesterNameError.setWordWrap(True)
        self.requesterNameError.setProperty(u"role", u"error")
        self.requesterNameError.setProperty(u"errorFor", u"requester_name")

        self.fieldGrid.addWidget(self.requesterNameError, 1, 3, 1, 1)

        self.requestTypeLabel = QLabel(TicketForm)
        self.requestTypeLabel.setObjectName(u"requestTypeLabel")

        self.fieldGrid.addWidget(self.requestTypeLabel, 2, 0, 1, 1)

        self.requestTypeCombo = QComboBox(TicketForm)
        self.requestTypeCombo.setObjectName(u"requestTypeCombo")
        self.requestTypeCombo.setProperty(u"field", u"request_type")

        self.fieldGrid.addWidget(self.requestTypeCombo, 2, 1, 1, 1)

        self.requestTypeError = QLabel(TicketForm)
        self.requestTypeError.setObjectName(u"requestTypeError")
        self.requestTypeError.setWordWrap(True)
        self.requestTypeError.setProperty(u"role", u"error")
        self.requestTypeError.setProperty(u"errorFor", u"request_type")

        self.fieldGrid.addWidget(self.requestTypeError, 3, 1, 1, 1)

        self.areaLabel = QLabel(TicketForm)
        self.areaLabel.setObjectName(u"areaLabel")

        self.fieldGrid.addWidget(self.areaLabel, 2, 2, 1, 1)

        self.areaCombo = QComboBox(TicketForm)
        self.areaCombo.setObjectName(u"areaCombo")
        self.areaCombo.setProperty(u"field", u"area")

        self.fieldGrid.addWidget(self.areaCombo, 2, 3, 1, 1)

        self.areaError = QLabel(TicketForm)
        self.areaError.setObjectName(u"areaError")
        self.areaError.setWordWrap(True)
        self.areaError.setProperty(u"role", u"error")
        self.areaError.setProperty(u"errorFor", u"area")

        self.fieldGrid.addWidget(self.areaError, 3, 3, 1, 1)

        self.channelLabel = QLabel(TicketForm)
        self.channelLabel.setObjectName(u"channelLabel")

        self.fieldGrid.addWidget(self.channelLabel, 4, 0, 1, 1)

        self.channelCombo = QComboBox(TicketForm)
        self.channelCombo.setObjectName(u"channelCombo")
        self.channelCombo.setProperty(u"field", u"channel")

        self.fieldGrid.addWidget(self.channelCombo, 4, 1, 1, 1)

        self.channelError = QLabel(TicketForm)
        self.channelError.setObjectName(u"channelError")
        self.channelError.setWordWrap(True)
        self.channelError.setProperty(u"role", u"error")
        self.channelError.setProperty(u"errorFor", u"channel")

        self.fieldGrid.addWidget(self.channelError, 5, 1, 1, 1)

        self.priorityLabel = QLabel(TicketForm)
        self.priorityLabel.setObjectName(u"priorityLabel")

        self.fieldGrid.addWidget(self.priorityLabel, 4, 2, 1, 1)

        self.priorityCombo = QComboBox(TicketForm)
        self.priorityCombo.setObjectName(u"priorityCombo")
        self.priorityCombo.setProperty(u"field", u"priority")

        self.fieldGrid.addWidget(self.priorityCombo, 4, 3, 1, 1)

        self.priorityError = QLabel(TicketForm)
        self.priorityError.setObjectName(u"priorityError")
        self.priorityError.setWordWrap(True)
        self.priorityError.setProperty(u"role", u"error")
        self.priorityError.setProperty(u"errorFor", u"priority")

        self.fieldGrid.addWidget(self.priorityError, 5, 3, 1, 1)

        self.sourceLabel = QLabel(TicketForm)
        self.sourceLabel.setObjectName(u"sourceLabel")

        self.fieldGrid.addWidget(self.sourceLabel, 6, 0, 1, 1)

        self.sourceCombo = QComboBox(TicketForm)
        self.sourceCombo.setObjectName(u"sourceCombo")
        self.sourceCombo.setProperty(u"field", u"source")

        self.fieldGrid.addWidget(self.sourceCombo, 6, 1, 1, 1)

        self.sourceError = QLabel(TicketForm)
        self.sourceError.setObjectName(u"sourceError")
        self.sourceError.setWordWrap(True)
        self.sourceError.setProperty(u"role", u"error")
        self.sourceError.setProperty(u"errorFor", u"source")

        self.fieldGrid.addWidget(self.sourceError, 7, 1, 1, 1)

        self.sourceTicketNoLabel = QLabel(TicketForm)
        self.sourceTicketNoLabel.setObjectName(u"sourceTicketNoLabel")

        self.fieldGrid.addWidget(self.sourceTicketNoLabel, 6, 2, 1, 1)

        self.sourceTicketNoEdit = QLineEdit(TicketForm)
        self.sourceTicketNoEdit.setObjectName(u"sourceTicketNoEdit")
        self.sourceTicketNoEdit.setProperty(u"field", u"source_ticket_no")

        self.fieldGrid.addWidget(self.sourceTicketNoEdit, 6, 3, 1, 1)

        self.sourceTicketNoError = QLabel(TicketForm)
        self.sourceTicketNoError.setObjectName(u"sourceTicketNoError")
        self.sourceTicketNoError.setWordWrap(True)
        self.sourceTicketNoError.setProperty(u"role", u"error")
        self.sourceTicketNoError.setProperty(u"errorFor", u"source_ticket_no")

        self.fieldGrid.addWidget(self.sourceTicketNoError, 7, 3, 1, 1)

        self.locationLabel = QLabel(TicketForm)
        self.locationLabel.setObjectName(u"locationLabel")

        self.fieldGrid.addWidget(self.locationLabel, 8, 0, 1, 1)

        self.locationEdit = QLineEdit(TicketForm)
        self.locationEdit.setObjectName(u"locationEdit")
        self.locationEdit.setProperty(u"field", u"location")

        self.fieldGrid.addWidget(self.locationEdit, 8, 1, 1, 3)

        self.locationError = QLabel(TicketForm)
        self.locationError.setObjectName(u"locationError")
        self.locationError.setWordWrap(True)
        self.locationError.setProperty(u"role", u"error")
        self.locationError.setProperty(u"errorFor", u"location")

        self.fieldGrid.addWidget(self.locationError, 9, 1, 1, 3)

        self.contentLabel = QLabel(TicketForm)
        self.contentLabel.setObjectName(u"contentLabel")

        self.fieldGrid.addWidget(self.contentLabel, 10, 0, 1, 1)

        self.contentEdit = QPlainTextEdit(TicketForm)
        self.contentEdit.setObjectName(u"contentEdit")
        self.contentEdit.setProperty(u"field", u"content")
        self.contentEdit.setTabChangesFocus(True)
        self.contentEdit.setMaximumSize(QSize(16777215, 110))

        self.fieldGrid.addWidget(self.contentEdit, 10, 1, 1, 3)

        self.contentError = QLabel(TicketForm)
        self.contentError.setObjectName(u"contentError")
        self.contentError.setWordWrap(True)
        self.contentError.setProperty(u"role", u"error")
        self.contentError.setProperty(u"errorFor", u"content")

        self.fieldGrid.addWidget(self.contentError, 11, 1, 1, 3)

        self.purposeLabel = QLabel(TicketForm)
        self.purposeLabel.setObjectName(u"purposeLabel")

        self.fieldGrid.addWidget(self.purposeLabel, 12, 0, 1, 1)

        self.purposeCombo = QComboBox(TicketForm)
        self.purposeCombo.setObjectName(u"purposeCombo")
        self.purposeCombo.setProperty(u"field", u"purpose")

        self.fieldGrid.addWidget(self.purposeCombo, 12, 1, 1, 1)

        self.purposeError = QLabel(TicketForm)
        self.purposeError.setObjectName(u"purposeError")
        self.purposeError.setWordWrap(True)
        self.purposeError.setProperty(u"role", u"error")
        self.purposeError.setProperty(u"errorFor", u"purpose")

        self.fieldGrid.addWidget(self.purposeError, 13, 1, 1, 1)

        self.leadUnitLabel = QLabel(TicketForm)
        self.leadUnitLabel.setObjectName(u"leadUnitLabel")

        self.fieldGrid.addWidget(self.leadUnitLabel, 12, 2, 1, 1)

        self.leadUnitEdit = QLineEdit(TicketForm)
        self.leadUnitEdit.setObjectName(u"leadUnitEdit")
        self.leadUnitEdit.setProperty(u"field", u"lead_unit")

        self.fieldGrid.addWidget(self.leadUnitEdit, 12, 3, 1, 1)

        self.leadUnitError = QLabel(TicketForm)
        self.leadUnitError.setObjectName(u"leadUnitError")
        self.leadUnitError.setWordWrap(True)
        self.leadUnitError.setProperty(u"role", u"error")
        self.leadUnitError.setProperty(u"errorFor", u"lead_unit")

        self.fieldGrid.addWidget(self.leadUnitError, 13, 3, 1, 1)

        self.coUnitsLabel = QLabel(TicketForm)
        self.coUnitsLabel.setObjectName(u"coUnitsLabel")

        self.fieldGrid.addWidget(self.coUnitsLabel, 14, 0, 1, 1)

        self.coUnitsEdit = QLineEdit(TicketForm)
        self.coUnitsEdit.setObjectName(u"coUnitsEdit")
        self.coUnitsEdit.setProperty(u"field", u"co_units")

        self.fieldGrid.addWidget(self.coUnitsEdit, 14, 1, 1, 3)

        self.coUnitsError = QLabel(TicketForm)
        self.coUnitsError.setObjectName(u"coUnitsError")
        self.coUnitsError.setWordWrap(True)
        self.coUnitsError.setProperty(u"role", u"error")
        self.coUnitsError.setProperty(u"errorFor", u"co_units")

        self.fieldGrid.addWidget(self.coUnitsError, 15, 1, 1, 3)

        self.handlingRequirementsLabel = QLabel(TicketForm)
        self.handlingRequirementsLabel.setObjectName(u"handlingRequirementsLabel")

        self.fieldGrid.addWidget(self.handlingRequirementsLabel, 16, 0, 1, 1)

        self.handlingRequirementsEdit = QPlainTextEdit(TicketForm)
        self.handlingRequirementsEdit.setObjectName(u"handlingRequirementsEdit")
        self.handlingRequirementsEdit.setProperty(u"field", u"handling_requirements")
        self.handlingRequirementsEdit.setTabChangesFocus(True)
        self.handlingRequirementsEdit.setMaximumSize(QSize(16777215, 70))

        self.fieldGrid.addWidget(self.handlingRequirementsEdit, 16, 1, 1, 3)

        self.handlingRequirementsError = QLabel(TicketForm)
        self.handlingRequirementsError.setObjectName(u"handlingRequirementsError")
        self.handlingRequirementsError.setWordWrap(True)
        self.handlingRequirementsError.setProperty(u"role", u"error")
        self.handlingRequirementsError.setProperty(u"errorFor", u"handling_requirements")

        self.fieldGrid.addWidget(self.handlingRequirementsError, 17, 1, 1, 3)

        self.fieldGrid.setColumnStretch(1, 1)
        self.fieldGrid.setColumnStretch(3, 1)

        self.outerLayout.addLayout(self.fieldGrid)

        self.summaryLabel = QLabel(TicketForm)
        self.summaryLabel.setObjectName(u"summaryLabel")
        self.summaryLabel.setWordWrap(True)

        self.outerLayout.addWidget(self.summaryLabel)

        self.formSpacer = QSpacerItem(20, 10, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.outerLayout.addItem(self.formSpacer)

        self.buttonLayout = QHBoxLayout()
        self.buttonLayout.setObjectName(u"buttonLayout")
        self.draftLabel = QLabel(TicketForm)
        self.draftLabel.setObjectName(u"draftLabel")

        self.buttonLayout.addWidget(self.draftLabel)

        self.buttonSpacer = QSpacerItem(40, 20, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.buttonLayout.addItem(self.buttonSpacer)

        self.clearButton = QPushButton(TicketForm)
        self.clearButton.setObjectName(u"clearButton")

        self.buttonLayout.addWidget(self.clearButton)

        self.saveButton = QPushButton(TicketForm)
        self.saveButton.setObjectName(u"saveButton")
        self.saveButton.setEnabled(False)

        self.buttonLayout.addWidget(self.saveButton)


        self.outerLayout.addLayout(self.buttonLayout)

#if QT_CONFIG(shortcut)
        self.requesterPhoneLabel.setBuddy(self.requesterPhoneEdit)
        self.requesterNameLabel.setBuddy(self.requesterNameEdit)
        self.requestTypeLabel.setBuddy(self.requestTypeCombo)
        self.areaLabel.setBuddy(self.areaCombo)
        self.channelLabel.setBuddy(self.channelCombo)
        self.priorityLabel.setBuddy(self.priorityCombo)
        self.sourceLabel.setBuddy(self.sourceCombo)
        self.sourceTicketNoLabel.setBuddy(self.sourceTicketNoEdit)
        self.locationLabel.setBuddy(self.locationEdit)
        self.contentLabel.setBuddy(self.contentEdit)
        self.purposeLabel.setBuddy(self.purposeCombo)
        self.leadUnitLabel.setBuddy(self.leadUnitEdit)
        self.coUnitsLabel.setBuddy(self.coUnitsEdit)
        self.handlingRequirementsLabel.setBuddy(self.handlingRequirementsEdit)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.requesterPhoneEdit, self.requesterNameEdit)
        QWidget.setTabOrder(self.requesterNameEdit, self.requestTypeCombo)
        QWidget.setTabOrder(self.requestTypeCombo, self.areaCombo)
        QWidget.setTabOrder(self.areaCombo, self.channelCombo)
        QWidget.setTabOrder(self.channelCombo, self.priorityCombo)
        QWidget.setTabOrder(self.priorityCombo, self.sourceCombo)
        QWidget.setTabOrder(self.sourceCombo, self.sourceTicketNoEdit)
        QWidget.setTabOrder(self.sourceTicketNoEdit, self.locationEdit)
        QWidget.setTabOrder(self.locationEdit, self.contentEdit)
        QWidget.setTabOrder(self.contentEdit, self.purposeCombo)
        QWidget.setTabOrder(self.purposeCombo, self.leadUnitEdit)
        QWidget.setTabOrder(self.leadUnitEdit, self.coUnitsEdit)
        QWidget.setTabOrder(self.coUnitsEdit, self.handlingRequirementsEdit)
        QWidget.setTabOrder(self.handlingRequirementsEdit, self.saveButton)
        QWidget.setTabOrder(self.saveButton, self.clearButton)

        self.retranslateUi(TicketForm)

        QMetaObject.connectSlotsByName(TicketForm)
    # setupUi

    def retranslateUi(self, TicketForm):
        TicketForm.setWindowTitle(QCoreApplication.translate("TicketForm", u"\u5de5\u5355", None))
        self.requesterPhoneLabel.setText(QCoreApplication.translate("TicketForm", u"\u8054\u7cfb\u7535\u8bdd(&H)*", None))
        self.requesterPhoneEdit.setPlaceholderText(QCoreApplication.translate("TicketForm", u"\u4f8b\u5982 13812345678 \u6216 0551-62345678", None))
        self.requesterPhoneError.setText("")
        self.requesterNameLabel.setText(QCoreApplication.translate("TicketForm", u"\u8bc9\u6c42\u4eba\u59d3\u540d", None))
        self.requesterNameEdit.setPlaceholderText(QCoreApplication.translate("TicketForm", u"\u53ef\u533f\u540d", None))
        self.requesterNameError.setText("")
        self.requestTypeLabel.setText(QCoreApplication.translate("TicketForm", u"\u8bc9\u6c42\u7c7b\u578b(&T)*", None))
        self.requestTypeError.setText("")
        self.areaLabel.setText(QCoreApplication.translate("TicketForm", u"\u8bc9\u6c42\u9886\u57df*", None))
        self.areaError.setText("")
        self.channelLabel.setText(QCoreApplication.translate("TicketForm", u"\u53d7\u7406\u6e20\u9053*", None))
        self.channelError.setText("")
        self.priorityLabel.setText(QCoreApplication.translate("TicketForm", u"\u5de5\u5355\u7c7b\u522b", None))
        self.priorityError.setText("")
        self.sourceLabel.setText(QCoreApplication.translate("TicketForm", u"\u8bc9\u6c42\u6765\u6e90", None))
        self.sourceError.setText("")
        self.sourceTicketNoLabel.setText(QCoreApplication.translate("TicketForm", u"\u6765\u6e90\u5de5\u5355\u7f16\u53f7", None))
        self.sourceTicketNoEdit.setPlaceholderText(QCoreApplication.translate("TicketForm", u"\u56fd\u5bb6\u7ea7/\u540c\u7ea7\u5e73\u53f0\u8f6c\u6765\u7684\u5de5\u5355\u586b\u5199", None))
        self.sourceTicketNoError.setText("")
        self.locationLabel.setText(QCoreApplication.translate("TicketForm", u"\u4e8b\u53d1\u5730\u70b9(&L)", None))
        self.locationEdit.setPlaceholderText(QCoreApplication.translate("TicketForm", u"\u6c42\u52a9\u3001\u6295\u8bc9\u3001\u4e3e\u62a5\u7c7b\u5fc5\u586b\uff1a\u533a\u53bf\u3001\u8857\u9053\u3001\u5c0f\u533a\u6216\u8def\u6bb5", None))
        self.locationError.setText("")
        self.contentLabel.setText(QCoreApplication.translate("TicketForm", u"\u8bc9\u6c42\u5185\u5bb9(&C)*", None))
        self.contentEdit.setPlaceholderText(QCoreApplication.translate("TicketForm", u"\u8bc9\u6c42\u4eba\u53cd\u6620\u7684\u4e8b\u9879\u3001\u65f6\u95f4\u3001\u5730\u70b9\u548c\u8bc9\u6c42", None))
        self.contentError.setText("")
        self.purposeLabel.setText(QCoreApplication.translate("TicketForm", u"\u529e\u7406\u65b9\u5f0f", None))
        self.purposeError.setText("")
        self.leadUnitLabel.setText(QCoreApplication.translate("TicketForm", u"\u627f\u529e(\u7275\u5934)\u5355\u4f4d", None))
        self.leadUnitEdit.setPlaceholderText(QCoreApplication.translate("TicketForm", u"\u8f6c\u529e\u65f6\u5fc5\u586b", None))
        self.leadUnitError.setText("")
        self.coUnitsLabel.setText(QCoreApplication.translate("TicketForm", u"\u534f\u540c\u5355\u4f4d", None))
        self.coUnitsEdit.setPlaceholderText(QCoreApplication.translate("TicketForm", u"\u591a\u4e2a\u5355\u4f4d\u7528\u987f\u53f7\u201c\u3001\u201d\u5206\u9694", None))
        self.coUnitsError.setText("")
        self.handlingRequirementsLabel.setText(QCoreApplication.translate("TicketForm", u"\u529e\u7406\u8981\u6c42", None))
        self.handlingRequirementsEdit.setPlaceholderText(QCoreApplication.translate("TicketForm", u"\u8f6c\u529e\u65f6\u5199\u660e\u5177\u4f53\u529e\u7406\u8981\u6c42\uff08\u7b2c\u5341\u4e8c\u6761(\u4e8c)\uff09", None))
        self.handlingRequirementsError.setText("")
        self.summaryLabel.setText("")
        self.draftLabel.setText("")
        self.clearButton.setText(QCoreApplication.translate("TicketForm", u"\u6e05\u7a7a", None))
        self.saveButton.setText(QCoreApplication.translate("TicketForm", u"\u4fdd\u5b58\u5de5\u5355 (Ctrl+S)", None))
    # retranslateUi

