# ui-source-sha256: 0e3d0c69ef52a33b2e537c3d88d850d8e710fdaf096fe2dc2bd7472f1b86dd87
# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'note_dialog.ui'
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
from PySide6.QtWidgets import (QAbstractButton, QApplication, QDialog, QDialogButtonBox,
    QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit,
    QSizePolicy, QVBoxLayout, QWidget)

class Ui_NoteDialog(object):
    def setupUi(self, NoteDialog):
        if not NoteDialog.objectName():
            NoteDialog.setObjectName(u"NoteDialog")
        NoteDialog.resize(480, 320)
        self.mainLayout = QVBoxLayout(NoteDialog)
        self.mainLayout.setObjectName(u"mainLayout")
        self.explanationLabel = QLabel(NoteDialog)
        self.explanationLabel.setObjectName(u"explanationLabel")
        self.explanationLabel.setWordWrap(True)

        self.mainLayout.addWidget(self.explanationLabel)

        self.referenceLabel = QLabel(NoteDialog)
        self.referenceLabel.setObjectName(u"referenceLabel")
        self.referenceLabel.setWordWrap(True)

        self.mainLayout.addWidget(self.referenceLabel)

        self.referenceLayout = QHBoxLayout()
        self.referenceLayout.setObjectName(u"referenceLayout")
        self.referenceEditLabel = QLabel(NoteDialog)
        self.referenceEditLabel.setObjectName(u"referenceEditLabel")

        self.referenceLayout.addWidget(self.referenceEditLabel)

        self.referenceEdit = QLineEdit(NoteDialog)
        self.referenceEdit.setObjectName(u"referenceEdit")
        self.referenceEdit.setMaxLength(64)

        self.referenceLayout.addWidget(self.referenceEdit)


        self.mainLayout.addLayout(self.referenceLayout)

        self.noteLabel = QLabel(NoteDialog)
        self.noteLabel.setObjectName(u"noteLabel")

        self.mainLayout.addWidget(self.noteLabel)

        self.noteEdit = QPlainTextEdit(NoteDialog)
        self.noteEdit.setObjectName(u"noteEdit")
        self.noteEdit.setTabChangesFocus(True)

        self.mainLayout.addWidget(self.noteEdit)

        self.errorLabel = QLabel(NoteDialog)
        self.errorLabel.setObjectName(u"errorLabel")
        self.errorLabel.setWordWrap(True)
        self.errorLabel.setProperty(u"role", u"error")

        self.mainLayout.addWidget(self.errorLabel)

        self.buttonBox = QDialogButtonBox(NoteDialog)
        self.buttonBox.setObjectName(u"buttonBox")
        self.buttonBox.setStandardButtons(QDialogButtonBox.StandardButton.Cancel|QDialogButtonBox.StandardButton.Ok)

        self.mainLayout.addWidget(self.buttonBox)

#if QT_CONFIG(shortcut)
        self.referenceEditLabel.setBuddy(self.referenceEdit)
        self.noteLabel.setBuddy(self.noteEdit)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.referenceEdit, self.noteEdit)

        self.retranslateUi(NoteDialog)

        QMetaObject.connectSlotsByName(NoteDialog)
    # setupUi

    def retranslateUi(self, NoteDialog):
        NoteDialog.setWindowTitle(QCoreApplication.translate("NoteDialog", u"\u8bf4\u660e", None))
        self.explanationLabel.setText("")
        self.referenceLabel.setText("")
        self.referenceEditLabel.setText(QCoreApplication.translate("NoteDialog", u"\u5173\u8054\u5de5\u5355\u7f16\u53f7(&R)", None))
        self.referenceEdit.setPlaceholderText(QCoreApplication.translate("NoteDialog", u"\u53ef\u9009\uff1a\u8f6c\u529e\u7684\u662f\u67d0\u5f20\u5de5\u5355\u65f6\u586b\u5199\u5176\u7f16\u53f7", None))
        self.noteLabel.setText(QCoreApplication.translate("NoteDialog", u"\u8bf4\u660e(&N)", None))
        self.errorLabel.setText("")
    # retranslateUi

