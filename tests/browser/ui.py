"""A small driver over Playwright for the Flet app: find by identifier, scroll, tap, type, wait.

Flutter draws on a canvas; its accessibility tree mirrors the controls as DOM nodes, and
`ft.Semantics(identifier=...)` shows up as `flt-semantics-identifier`. Waits are on
identifiers and text, never fixed sleeps (except the short settle before a screenshot).
"""

import contextlib
import time
from pathlib import Path

TIMEOUT_MS = 30_000  # generous: the machine may be busy with other suites
SCREENSHOT_TIMEOUT_MS = 60_000


class Ui:
    def __init__(self, page, screenshot_dir: Path) -> None:
        self.page = page
        self.screenshot_dir = screenshot_dir

    def enable_semantics(self) -> None:
        placeholder = self.page.locator("flt-semantics-placeholder")
        placeholder.wait_for(state="attached", timeout=60_000)
        placeholder.dispatch_event("click")

    def by_id(self, identifier: str):
        return self.page.locator(f'[flt-semantics-identifier="{identifier}"]')

    def wait(self, identifier: str, timeout: int = TIMEOUT_MS):
        node = self.by_id(identifier)
        try:
            node.first.wait_for(state="attached", timeout=timeout)
        except Exception:
            self._failure_picture()
            raise
        return node.first

    def gone(self, identifier: str, timeout: int = TIMEOUT_MS) -> None:
        self.by_id(identifier).first.wait_for(state="detached", timeout=timeout)

    def text(self, identifier: str) -> str:
        node = self.wait(identifier)
        return " ".join((node.text_content() or "").split()) or (node.get_attribute("aria-label") or "")

    def wait_text(self, identifier: str, expected: str, timeout: float = TIMEOUT_MS / 1000) -> str:
        deadline = time.monotonic() + timeout
        seen = ""
        while time.monotonic() < deadline:
            try:
                seen = self.text(identifier)
            except Exception:  # node being rebuilt: look again
                seen = ""
            if expected in seen:
                return seen
            time.sleep(0.2)
        self._failure_picture()
        raise AssertionError(f"{identifier!r} never showed {expected!r}; last seen {seen!r}")

    def value(self, identifier: str) -> str:
        """What a text field holds (Flutter fills the DOM input only while it has focus)."""
        self.reveal(identifier)
        field = self.wait(identifier).locator("input, textarea").first
        for _ in range(3):
            field.click()
            try:
                self.page.wait_for_function(
                    "e => document.activeElement === e", arg=field.element_handle(), timeout=3000
                )
            except Exception:  # the click landed while the field was being rebuilt: again
                continue
            return field.input_value()
        raise AssertionError(f"{identifier!r} never took the focus")

    def wait_value(self, identifier: str, expected: str, timeout: float = TIMEOUT_MS / 1000) -> str:
        deadline = time.monotonic() + timeout
        seen = ""
        while time.monotonic() < deadline:
            try:
                seen = self.value(identifier)
            except Exception:  # field being rebuilt: look again
                seen = ""
            if expected in seen:
                return seen
            time.sleep(0.2)
        self._failure_picture()
        raise AssertionError(f"{identifier!r} never held {expected!r}; last seen {seen!r}")

    def showing(self, text: str):
        """A node showing `text`: as its text, or in its accessible label (a tappable card
        with tagged parts carries its texts as the label)."""
        return self.page.locator(f'[aria-label*="{text}"]').or_(self.page.get_by_text(text)).first

    def reveal(self, identifier: str) -> None:
        """Scroll the Flutter scrollable (mouse wheel) until the node sits clear of the title
        bar and the bottom action bar; nodes that don't move (fixed bars) are left alone."""
        height = self.page.viewport_size["height"]
        node = self.wait(identifier)
        previous = None
        for _ in range(25):
            box = node.bounding_box()
            if box is None:
                time.sleep(0.1)
                continue
            if box["y"] >= 60 and box["y"] + box["height"] <= height - 80:
                return
            unmoved = previous is not None and box["y"] == previous["y"]
            if unmoved and box["y"] >= 0 and box["y"] + box["height"] <= height:
                return  # not in the scrolling body: it is a fixed bar's button
            previous = box
            self.page.mouse.move(self.page.viewport_size["width"] / 2, height / 2)
            self.page.mouse.wheel(0, max(-350, min(350, box["y"] - height / 3)))
            time.sleep(0.25)

    def tap(self, identifier: str) -> None:
        self.reveal(identifier)
        self.wait(identifier).click()

    def select_tab(self, tab: str) -> None:
        """Tap a home tab and make sure the list below shows it (a tap can land while the
        screen redraws after a sync report; then it is repeated)."""
        for _ in range(3):
            self.tap(f"tab-{tab}")
            try:
                self.by_id(f"list-{tab}").first.wait_for(state="attached", timeout=5000)
                return
            except Exception:  # the tap was lost: again
                continue
        raise AssertionError(f"the {tab} tab never showed")

    def tap_text(self, text: str) -> None:
        """A dropdown entry or dialog button by its text."""
        entry = self.page.get_by_role("button", name=text, exact=True).first
        entry.wait_for(timeout=TIMEOUT_MS)
        entry.click()

    def choose(self, identifier: str, option: str) -> None:
        self.tap(identifier)
        self.tap_text(option)

    def type(self, identifier: str, text: str) -> None:
        """Type into a text field, checking the field really holds the text afterwards."""
        self.reveal(identifier)
        field = self.wait(identifier).locator("input, textarea").first
        for _ in range(3):
            field.click()
            try:
                self.page.wait_for_function(
                    "e => document.activeElement === e", arg=field.element_handle(), timeout=3000
                )
            except Exception:  # the click landed while the field was being rebuilt: again
                continue
            self.page.keyboard.press("Control+a")
            self.page.keyboard.type(text)
            if field.input_value() == text:
                return
        self._failure_picture()
        raise AssertionError(f"could not type into {identifier!r}")

    def box(self, identifier: str) -> dict:
        box = self.wait(identifier).bounding_box()
        assert box is not None, identifier
        return box

    def screenshot(self, name: str) -> Path:
        """After the page stopped changing for ~1 s (skwasm can show a stale frame)."""
        path = self.screenshot_dir / f"{name}.png"
        # a focused field's blinking cursor would never let the picture settle
        self.page.evaluate(
            "document.activeElement && document.activeElement.blur && document.activeElement.blur()"
        )
        previous = None
        for _ in range(8):  # give up after ~3 s: an animation may still run
            time.sleep(0.35)
            current = self.page.screenshot(timeout=SCREENSHOT_TIMEOUT_MS)
            if current == previous:
                break
            previous = current
        path.write_bytes(previous)
        return path

    def _failure_picture(self) -> None:
        """What the screen showed when a wait failed (best effort: never hides the failure)."""
        with contextlib.suppress(Exception):
            self.page.screenshot(path=str(self.screenshot_dir / "failure.png"), timeout=10_000)
