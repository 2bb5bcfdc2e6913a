# ui-source-sha256: 8386a012670b16adb30f52f5db094fdaa733dd8f0868c8334676c7d9c1f061c4
# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'emergency_confirm.ui'
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
from PySide6.QtWidgets import (QApplication, QDialog, QHBoxLayout, QLabel,
    QPushButton, QSizePolicy, QSpacerItem, QVBoxLayout,
    QWidget)

class Ui_EmergencyConfirm(object):
    def setupUi(self, EmergencyConfirm):
        if not EmergencyConfirm.objectName():
            EmergencyConfirm.setObjectName(u"EmergencyConfirm")
        EmergencyConfirm.resize(520, 360)
        self.mainLayout = QVBoxLayout(EmergencyConfirm)
        self.mainLayout.setSpacing(10)
        self.mainLayout.setObjectName(u"mainLayout")
        self.lineLabel = QLabel(EmergencyConfirm)
        self.lineLabel.setObjectName(u"lineLabel")
        self.lineLabel.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.mainLayout.addWidget(self.lineLabel)

        self.numberLabel = QLabel(EmergencyConfirm)
        self.numberLabel.setObjectName(u"numberLabel")
        self.numberLabel.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.mainLayout.addWidget(self.numberLabel)

        self.unitLabel = QLabel(EmergencyConfirm)
        self.unitLabel.setObjectName(u"unitLabel")
        self.unitLabel.setWordWrap(True)

        self.mainLayout.addWidget(self.unitLabel)

        self.noticeLabel = QLabel(EmergencyConfirm)
        self.noticeLabel.setObjectName(u"noticeLabel")
        self.noticeLabel.setWordWrap(True)
        self.noticeLabel.setProperty(u"role", u"warning")

        self.mainLayout.addWidget(self.noticeLabel)

        self.adviceTitle = QLabel(EmergencyConfirm)
        self.adviceTitle.setObjectName(u"adviceTitle")

        self.mainLayout.addWidget(self.adviceTitle)

        self.adviceLabel = QLabel(EmergencyConfirm)
        self.adviceLabel.setObjectName(u"adviceLabel")
        self.adviceLabel.setWordWrap(True)

        self.mainLayout.addWidget(self.adviceLabel)

        self.verticalSpacer = QSpacerItem(20, 10, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.mainLayout.addItem(self.verticalSpacer)

        self.buttonLayout = QHBoxLayout()
        self.buttonLayout.setObjectName(u"buttonLayout")
        self.buttonSpacer = QSpacerItem(40, 20, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.buttonLayout.addItem(self.buttonSpacer)

        self.cancelButton = QPushButton(EmergencyConfirm)
        self.cancelButton.setObjectName(u"cancelButton")
        self.cancelButton.setAutoDefault(False)

        self.buttonLayout.addWidget(self.cancelButton)

        self.confirmButton = QPushButton(EmergencyConfirm)
        self.confirmButton.setObjectName(u"confirmButton")

        self.buttonLayout.addWidget(self.confirmButton)


        self.mainLayout.addLayout(self.buttonLayout)


        self.retranslateUi(EmergencyConfirm)

        self.confirmButton.setDefault(True)


        QMetaObject.connectSlotsByName(EmergencyConfirm)
    # setupUi

    def retranslateUi(self, EmergencyConfirm):
        EmergencyConfirm.setWindowTitle(QCoreApplication.translate("EmergencyConfirm", u"\u786e\u8ba4\u7d27\u6025\u8f6c\u63a5", None))
        self.lineLabel.setText("")
        self.numberLabel.setText("")
        self.unitLabel.setText("")
        self.noticeLabel.setText("")
        self.adviceTitle.setText(QCoreApplication.translate("EmergencyConfirm", u"\u8f6c\u63a5\u65f6\u8bf7\u544a\u77e5\u6765\u7535\u4eba\uff1a", None))
        self.adviceLabel.setText("")
        self.cancelButton.setText(QCoreApplication.translate("EmergencyConfirm", u"\u53d6\u6d88 (Esc)", None))
        self.confirmButton.setText(QCoreApplication.translate("EmergencyConfirm", u"\u786e\u8ba4\u8f6c\u63a5 (Enter)", None))
    # retranslateUi

