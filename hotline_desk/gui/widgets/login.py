"""The login dialog: server address, account, password.

Emits :attr:`LoginDialog.login_requested`; the session service does the rest
(the token goes to the system keyring, never to a file). While a login runs the
form is disabled; an error is shown inline in Chinese and the password field is
cleared and focused, the other fields keep what was typed.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QWidget

from hotline_desk.gui.forms.ui_login_dialog import Ui_LoginDialog
from hotline_desk.gui.style import icon, set_role


class LoginDialog(QDialog):
    #: (server url, username, password)
    login_requested = Signal(str, str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = Ui_LoginDialog()
        self.ui.setupUi(self)
        self.setObjectName("loginDialog")
        self.setWindowIcon(icon("app"))
        self.ui.loginButton.clicked.connect(self._submit)
        self.ui.cancelButton.clicked.connect(self.reject)
        self.ui.passwordEdit.returnPressed.connect(self._submit)
        self.ui.usernameEdit.returnPressed.connect(self.ui.passwordEdit.setFocus)
        self.ui.serverEdit.returnPressed.connect(self.ui.usernameEdit.setFocus)
        self._busy = False
        self._starting = False
        self._submit_when_ready = False

    def set_starting(self, starting: bool) -> None:
        """While the desk starts: the fields take input, logging in waits until ready."""
        self._starting = starting
        self.ui.loginButton.setEnabled(not self._busy)
        if starting:
            self.show_message("正在启动…（可以先输入账号和密码）", "info")
            return
        if self.ui.messageLabel.text().startswith("正在启动"):
            self.show_message("", "info")
        if self._submit_when_ready:
            self._submit_when_ready = False
            self._submit()

    def set_defaults(self, server_url: str, username: str = "") -> None:
        self.ui.serverEdit.setText(server_url)
        self.ui.usernameEdit.setText(username)
        (self.ui.passwordEdit if username else self.ui.usernameEdit).setFocus()

    def values(self) -> tuple[str, str, str]:
        return (self.ui.serverEdit.text().strip(), self.ui.usernameEdit.text().strip(),
                self.ui.passwordEdit.text())

    def _submit(self) -> None:
        if self._busy:
            return
        if self._starting:  # pressed while the desk still loads: log in when it is ready
            self._submit_when_ready = True
            self.show_message("正在启动，完成后将自动登录…", "info")
            return
        server, username, password = self.values()
        missing = [name for name, value in (("服务器地址", server), ("账号", username),
                                            ("密码", password)) if not value]
        if missing:
            self.show_message(f"请填写{'、'.join(missing)}", "error")
            return
        self.show_message("正在登录…", "info")
        self.login_requested.emit(server, username, password)

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        for widget in (self.ui.serverEdit, self.ui.usernameEdit, self.ui.passwordEdit):
            widget.setEnabled(not busy)
        self.ui.loginButton.setEnabled(not busy)

    def show_error(self, message_zh: str) -> None:
        self.show_message(message_zh, "error")
        self.ui.passwordEdit.clear()
        if self.ui.serverEdit.text().strip() and self.ui.usernameEdit.text().strip():
            self.ui.passwordEdit.setFocus()

    def show_message(self, text: str, role: str = "info") -> None:
        self.ui.messageLabel.setText(text)
        set_role(self.ui.messageLabel, role)
