# ui-source-sha256: 4f43c1fcb9290d1cde858ae948c3ad4edd0a511cce3faf24220981673a3772fd
# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'refusal_panel.ui'
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
from PySide6.QtWidgets import (QApplication, QComboBox, QHBoxLayout, QLabel,
    QLineEdit, QPushButton, QSizePolicy, QSpacerItem,
    QTextBrowser, QVBoxLayout, QWidget)

class Ui_RefusalPanel(object):
    def setupUi(self, RefusalPanel):
        if not RefusalPanel.objectName():
            RefusalPanel.setObjectName(u"RefusalPanel")
        RefusalPanel.resize(560, 600)
        self.mainLayout = QVBoxLayout(RefusalPanel)
        self.mainLayout.setSpacing(6)
        self.mainLayout.setObjectName(u"mainLayout")
        self.reasonLayout = QHBoxLayout()
        self.reasonLayout.setObjectName(u"reasonLayout")
        self.reasonLabel = QLabel(RefusalPanel)
        self.reasonLabel.setObjectName(u"reasonLabel")

        self.reasonLayout.addWidget(self.reasonLabel)

        self.reasonCombo = QComboBox(RefusalPanel)
        self.reasonCombo.setObjectName(u"reasonCombo")
        sizePolicy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        sizePolicy.setHorizontalStretch(1)
        sizePolicy.setVerticalStretch(0)
        sizePolicy.setHeightForWidth(self.reasonCombo.sizePolicy().hasHeightForWidth())
        self.reasonCombo.setSizePolicy(sizePolicy)
        self.reasonCombo.setMaxVisibleItems(20)

        self.reasonLayout.addWidget(self.reasonCombo)


        self.mainLayout.addLayout(self.reasonLayout)

        self.clauseLabel = QLabel(RefusalPanel)
        self.clauseLabel.setObjectName(u"clauseLabel")
        self.clauseLabel.setWordWrap(True)

        self.mainLayout.addWidget(self.clauseLabel)

        self.scriptTitle = QLabel(RefusalPanel)
        self.scriptTitle.setObjectName(u"scriptTitle")

        self.mainLayout.addWidget(self.scriptTitle)

        self.scriptView = QTextBrowser(RefusalPanel)
        self.scriptView.setObjectName(u"scriptView")
        sizePolicy1 = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        sizePolicy1.setHorizontalStretch(0)
        sizePolicy1.setVerticalStretch(1)
        sizePolicy1.setHeightForWidth(self.scriptView.sizePolicy().hasHeightForWidth())
        self.scriptView.setSizePolicy(sizePolicy1)
        self.scriptView.setOpenLinks(False)

        self.mainLayout.addWidget(self.scriptView)

        self.referralTitle = QLabel(RefusalPanel)
        self.referralTitle.setObjectName(u"referralTitle")

        self.mainLayout.addWidget(self.referralTitle)

        self.referralView = QLabel(RefusalPanel)
        self.referralView.setObjectName(u"referralView")
        self.referralView.setWordWrap(True)
        self.referralView.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.mainLayout.addWidget(self.referralView)

        self.basisView = QLabel(RefusalPanel)
        self.basisView.setObjectName(u"basisView")
        self.basisView.setWordWrap(True)

        self.mainLayout.addWidget(self.basisView)

        self.operatorNote = QLabel(RefusalPanel)
        self.operatorNote.setObjectName(u"operatorNote")
        self.operatorNote.setWordWrap(True)

        self.mainLayout.addWidget(self.operatorNote)

        self.noteLayout = QHBoxLayout()
        self.noteLayout.setObjectName(u"noteLayout")
        self.noteLabel = QLabel(RefusalPanel)
        self.noteLabel.setObjectName(u"noteLabel")

        self.noteLayout.addWidget(self.noteLabel)

        self.noteEdit = QLineEdit(RefusalPanel)
        self.noteEdit.setObjectName(u"noteEdit")

        self.noteLayout.addWidget(self.noteEdit)


        self.mainLayout.addLayout(self.noteLayout)

        self.buttonLayout = QHBoxLayout()
        self.buttonLayout.setObjectName(u"buttonLayout")
        self.messageLabel = QLabel(RefusalPanel)
        self.messageLabel.setObjectName(u"messageLabel")
        self.messageLabel.setWordWrap(True)

        self.buttonLayout.addWidget(self.messageLabel)

        self.buttonSpacer = QSpacerItem(40, 20, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.buttonLayout.addItem(self.buttonSpacer)

        self.recordButton = QPushButton(RefusalPanel)
        self.recordButton.setObjectName(u"recordButton")

        self.buttonLayout.addWidget(self.recordButton)


        self.mainLayout.addLayout(self.buttonLayout)

#if QT_CONFIG(shortcut)
        self.reasonLabel.setBuddy(self.reasonCombo)
        self.noteLabel.setBuddy(self.noteEdit)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.reasonCombo, self.noteEdit)
        QWidget.setTabOrder(self.noteEdit, self.recordButton)
        QWidget.setTabOrder(self.recordButton, self.scriptView)

        self.retranslateUi(RefusalPanel)

        QMetaObject.connectSlotsByName(RefusalPanel)
    # setupUi

    def retranslateUi(self, RefusalPanel):
        RefusalPanel.setWindowTitle(QCoreApplication.translate("RefusalPanel", u"\u4e0d\u4e88\u53d7\u7406", None))
        self.reasonLabel.setText(QCoreApplication.translate("RefusalPanel", u"\u4e0d\u4e88\u53d7\u7406\u4e8b\u7531(&R)", None))
        self.clauseLabel.setText("")
        self.scriptTitle.setText(QCoreApplication.translate("RefusalPanel", u"\u8bf7\u5411\u6765\u7535\u4eba\u5ba3\u8bfb\uff1a", None))
        self.referralTitle.setText(QCoreApplication.translate("RefusalPanel", u"\u544a\u77e5\u529e\u7406\u5355\u4f4d\u53ca\u8054\u7cfb\u65b9\u5f0f\uff1a", None))
        self.referralView.setText("")
        self.basisView.setText("")
        self.operatorNote.setText("")
        self.noteLabel.setText(QCoreApplication.translate("RefusalPanel", u"\u6765\u7535\u8bc9\u6c42\u6458\u8981(&N)", None))
        self.noteEdit.setPlaceholderText(QCoreApplication.translate("RefusalPanel", u"\u5982\u5b9e\u8bb0\u5f55\u6765\u7535\u4eba\u53cd\u6620\u7684\u4e8b\u9879", None))
        self.messageLabel.setText("")
        self.recordButton.setText(QCoreApplication.translate("RefusalPanel", u"\u8bb0\u5f55\u4e0d\u4e88\u53d7\u7406 (Ctrl+R)", None))
    # retranslateUi

