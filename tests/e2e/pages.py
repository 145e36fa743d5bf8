"""Page objects: what a cadre sees and does on each page, so tests read as the user's steps.

Every page object wraps one Playwright ``Page`` whose browser context has the live server as its
``base_url``; ``goto`` takes paths, not full addresses. Locators prefer what the user sees (roles,
labels, Chinese text) and fall back to the ``data-testid`` hooks in the templates.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Locator, Page, Response, expect

DESKTOP = {"width": 1366, "height": 900}  # the township office's laptops
PHONE = {"width": 390, "height": 844}  # a cadre's phone in the village


CSP_RECORDER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


class ProblemRecorder:
    """What a user never sees but a broken page leaves behind: console errors, uncaught script errors
    and CSP violations, recorded from before the page's first load. ``all()`` lists them."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.errors: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        page.on("console", lambda msg: self.errors.append(f"console: {msg.text}") if msg.type == "error" else None)
        page.add_init_script(CSP_RECORDER)

    def all(self) -> list[str]:
        return self.errors + [f"csp: {v}" for v in self.page.evaluate("window.__cspViolations || []")]


class BasePage:
    path = "/"

    def __init__(self, page: Page) -> None:
        self.page = page
        self.response: Response | None = None

    def goto(self, path: str | None = None):
        self.response = self.page.goto(path or self.path)
        return self

    @property
    def heading(self) -> Locator:
        return self.page.locator("main h1").first

    @property
    def current_user(self) -> Locator:
        return self.page.get_by_test_id("current-user")

    @property
    def nav_toggler(self) -> Locator:
        return self.page.locator("button.navbar-toggler")

    @property
    def nav_menu(self) -> Locator:
        return self.page.locator("#nav")

    def open_menu(self) -> None:
        """Tap the phone menu button and wait for Bootstrap's collapse to finish opening."""
        self.nav_toggler.tap()
        expect(self.nav_menu).to_have_class(re.compile(r"(^|\s)show(\s|$)"))

    def nav_link(self, label: str) -> Locator:
        return self.nav_menu.get_by_role("link", name=label, exact=True)

    def nav_group(self, label: str) -> Locator:
        return self.nav_menu.get_by_role("button", name=label, exact=True)

    def open_group(self, label: str) -> None:
        """Open a drop-down of the menu (台账, 服务台, 管理) and wait for its entries to show."""
        group = self.nav_group(label)
        group.click()
        expect(group).to_have_attribute("aria-expanded", "true")

    def html(self) -> str:
        return self.page.content()

    def horizontal_overflow_px(self) -> int:
        """How far the page is wider than the viewport (0 = no sideways scrolling on a phone)."""
        return self.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")

    def screenshot(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(path), full_page=True)
        return path


class LoginPage(BasePage):
    path = "/accounts/login/"

    @property
    def username(self) -> Locator:
        return self.page.get_by_label("账号")

    @property
    def password(self) -> Locator:
        return self.page.get_by_label("密码")

    @property
    def submit(self) -> Locator:
        return self.page.locator("main form").get_by_role("button", name="登录")

    @property
    def error(self) -> Locator:
        return self.page.locator("main .alert-danger")

    def login(self, username: str, password: str) -> None:
        self.username.fill(username)
        self.password.fill(password)
        self.submit.click()
        self.page.wait_for_load_state()

    def login_expecting_success(self, username: str, password: str) -> HomePage:
        self.goto()
        self.login(username, password)
        home = HomePage(self.page)
        expect(home.current_user).to_contain_text(username)
        return home


class LockedOutPage(BasePage):
    @property
    def message(self) -> Locator:
        return self.page.locator("main .alert-danger")


class NotFoundPage(BasePage):
    @property
    def message(self) -> Locator:
        return self.page.get_by_test_id("not-found")


class HomePage(BasePage):
    path = "/"

    @property
    def overview(self) -> Locator:
        return self.page.get_by_test_id("overview")

    def figure(self, name: str) -> Locator:
        """The 园区概况 card of a figure (the role dashboard below may show the same figure again)."""
        return self.page.locator(f'.card-figure [data-figure="{name}"]')

    @property
    def charts(self) -> Locator:
        return self.page.locator("[data-chart]")

    def wait_for_charts(self) -> None:
        """ECharts draws after load; every chart container ends up holding a <canvas>."""
        count = self.charts.count()
        for i in range(count):
            expect(self.charts.nth(i).locator("canvas")).to_have_count(1)

    def hover_first_bar(self) -> None:
        """Point at the first chart's bars so ECharts draws its tooltip."""
        box = self.charts.first.bounding_box()
        assert box is not None
        self.page.mouse.move(box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.6)
        self.page.wait_for_timeout(300)

    def settle_charts(self) -> None:
        """Let the bars finish growing (ECharts animates for 1 s) before a screenshot."""
        self.wait_for_charts()
        self.page.wait_for_timeout(1500)


class PersonListPage(BasePage):
    path = "/people/persons/"

    @property
    def query(self) -> Locator:
        return self.page.get_by_placeholder("姓名或完整身份证号")

    @property
    def table(self) -> Locator:
        return self.page.get_by_test_id("person-table")

    @property
    def rows(self) -> Locator:
        return self.table.locator("tbody tr")

    def row_for(self, name: str) -> Locator:
        return self.rows.filter(has=self.page.get_by_role("link", name=name, exact=True))

    def search(self, text: str) -> None:
        self.query.fill(text)
        self.page.get_by_role("button", name="查找").click()
        self.page.wait_for_load_state()

    def open(self, name: str) -> PersonDetailPage:
        self.row_for(name).get_by_role("link", name=name, exact=True).click()
        self.page.wait_for_load_state()
        return PersonDetailPage(self.page)


class PersonDetailPage(BasePage):
    @staticmethod
    def path_for(person_id: int) -> str:
        return f"/people/persons/{person_id}/"

    def goto_person(self, person_id: int):
        return self.goto(self.path_for(person_id))

    @property
    def resident_id(self) -> Locator:
        return self.page.get_by_test_id("resident-id")

    @property
    def reveal_button(self) -> Locator:
        return self.page.get_by_role("button", name="查看完整号码")

    @property
    def reveal_recorded_badge(self) -> Locator:
        return self.page.get_by_text("已记录查看")

    def reveal(self) -> None:
        """Click 查看完整号码 and wait for htmx to swap the masked number for the full one."""
        with self.page.expect_response(re.compile(r"/people/persons/\d+/reveal/$")):
            self.reveal_button.click()
        expect(self.reveal_recorded_badge).to_be_visible()


class EnterpriseListPage(BasePage):
    path = "/enterprises/"

    @property
    def rows(self) -> Locator:
        return self.page.locator("main table tbody tr")


class AuditLogPage(BasePage):
    path = "/accounts/audit/"

    @property
    def rows(self) -> Locator:
        return self.page.locator("main table tbody tr")


class ImportUploadPage(BasePage):
    path = "/imports/new/"

    def upload(self, file: Path, *, valid_rows_only: bool = False) -> ImportBatchPage:
        self.page.select_option("#id_ledger", "persons")
        self.page.select_option("#id_mode", "valid_only" if valid_rows_only else "all")
        self.page.set_input_files("#id_file", str(file))
        self.page.locator("main form button[type=submit]").click()
        batch = ImportBatchPage(self.page)
        batch.status.wait_for()
        return batch


class ImportBatchPage(BasePage):
    @property
    def status(self) -> Locator:
        return self.page.get_by_test_id("batch-status")

    def figure(self, name: str) -> Locator:
        return self.page.locator(f'[data-figure="{name}"]')

    @property
    def error_rows(self) -> Locator:
        return self.page.get_by_test_id("errors").locator("tbody tr")

    def download_annotated(self, to: Path) -> Path:
        with self.page.expect_download() as download:
            self.page.get_by_role("link", name="下载标注了错误的文件").click()
        download.value.save_as(str(to))
        return to

    def confirm(self) -> None:
        self.page.locator("main form[action$='/commit/'] button").click()
        self.status.wait_for()


class TwoFactorEnrolPage(BasePage):
    """启用双因素认证: the QR code, the key in text, the form for a current code; then the recovery codes."""

    path = "/accounts/me/two-factor/"

    @property
    def qr_code(self) -> Locator:
        return self.page.get_by_test_id("two-factor-qr")

    @property
    def secret(self) -> Locator:
        return self.page.get_by_test_id("two-factor-secret")

    def confirm(self, code: str) -> None:
        self.page.get_by_label("验证码").fill(code)
        self.page.get_by_role("button", name="确认绑定").click()
        self.page.wait_for_load_state()

    @property
    def recovery_codes(self) -> Locator:
        return self.page.get_by_test_id("recovery-codes").locator("li")


class SecondFactorPage(BasePage):
    """The login's second step: the authenticator's code or a recovery code."""

    path = "/accounts/login/verify/"

    def verify(self, code: str) -> None:
        self.page.get_by_label("验证码").fill(code)
        self.page.locator("main form").get_by_role("button", name="验证").click()
        self.page.wait_for_load_state()


class ProfilePage(BasePage):
    """我的账号: the account, and its API tokens (created, last used, expiry, revoked)."""

    path = "/accounts/me/"

    @property
    def token_name(self) -> Locator:
        return self.page.locator("main form input[name=name]")

    @property
    def create_token(self) -> Locator:
        return self.page.get_by_role("button", name="创建令牌")

    @property
    def new_token(self) -> Locator:
        return self.page.get_by_test_id("new-token")

    def token_row(self, name: str) -> Locator:
        return self.page.locator("main table tbody tr", has_text=name)
