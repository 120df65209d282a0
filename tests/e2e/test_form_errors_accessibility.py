"""Issue 16, item 6: form errors a screen reader hears, checked in Chromium's accessibility
tree (the Chrome DevTools Protocol's computed description and `invalid` state), not by axe.

On a refused form each invalid field is `invalid` and its accessible description is its error
text (aria-describedby naming ids that exist), and the focus is on the error summary, whose
links lead to the fields.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer


def _ax_node(page: Page, selector: str) -> dict:
    """The accessibility-tree node Chromium computed for the element at `selector`."""
    cdp = page.context.new_cdp_session(page)
    document = cdp.send("DOM.getDocument", {"depth": 0})
    found = cdp.send("DOM.querySelector", {"nodeId": document["root"]["nodeId"], "selector": selector})
    nodes = cdp.send("Accessibility.getPartialAXTree", {"nodeId": found["nodeId"], "fetchRelatives": False})["nodes"]
    cdp.detach()
    return nodes[0]


def _property(node: dict, name: str):
    return next((p["value"].get("value") for p in node.get("properties", []) if p["name"] == name), None)


def _dangling_describedby(page: Page) -> list[str]:
    return page.evaluate(
        """() => [...document.querySelectorAll('[aria-describedby]')].flatMap(el =>
             el.getAttribute('aria-describedby').split(/\\s+/).filter(id => !document.getElementById(id))
               .map(id => el.id + ' -> ' + id))"""
    )


def test_registration_errors_are_tied_to_their_fields_and_the_summary_takes_the_focus(
    page: Page, live_server: LiveServer
):
    page.goto(live_server.url + "/register")
    page.fill("#full_name", "Олена Петренко")
    page.fill("#email", "not-an-email")
    page.fill("#password", "short")
    page.click("form.stack button[type=submit]")
    expect(page.locator("#error-summary")).to_be_visible()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    summary = _ax_node(page, "#error-summary")
    assert summary["role"]["value"] == "alert" and _property(summary, "focused") is True
    assert _dangling_describedby(page) == []
    for field_id in ("email", "password", "org_type", "region"):
        error = page.locator(f"#{field_id}-error").inner_text()
        node = _ax_node(page, f"#{field_id}")
        assert _property(node, "invalid") == "true", field_id
        assert error in node["description"]["value"], (field_id, node.get("description"))
    helped = _ax_node(page, "#password")
    assert "12" in helped["description"]["value"]  # the help text is read as well as the error
    name_node = _ax_node(page, "#full_name")
    assert _property(name_node, "invalid") in (None, "false")  # a correct field is not marked
    page.click("#error-summary a[href='#region']")
    assert page.evaluate("document.activeElement.id") == "region"
    snapshot = page.locator("#error-summary").aria_snapshot()
    assert "link" in snapshot and "Регіон" in snapshot
