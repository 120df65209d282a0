// Progressive autosave for quiz attempts. Without JavaScript the form still saves per page;
// with it, every change is saved in the background, so a closed tab loses nothing.
// Loaded as a file (CSP: script-src 'self'); no inline script anywhere.
(function () {
  "use strict";
  var form = document.getElementById("attempt");
  if (!form || !window.fetch || !window.FormData) { return; }
  var status = form.querySelector(".autosave-status");
  var version = form.querySelector("input[name=version]");
  var timer = null;
  var inflight = null;
  var blocked = false;

  function show(text) { if (status) { status.textContent = text; } }

  function save() {
    timer = null;
    if (blocked) { return Promise.resolve(); }
    var data = new FormData(form);
    data.delete("action");
    inflight = fetch(form.dataset.autosave, {
      method: "POST", body: data, credentials: "same-origin", redirect: "manual",
      headers: { "Accept": "application/json", "X-Requested-With": "fetch" }
    }).then(function (response) {
      if (response.type === "opaqueredirect" || response.status === 0) {
        blocked = true;
        show(form.dataset.loggedOut || "Please log in again; the answers saved so far are kept.");
        return null;
      }
      return response.json().then(function (body) {
        if (response.ok) {
          version.value = body.version;
          show(body.saved);
        } else {
          if (response.status === 409) { blocked = true; }
          show(body.error);
        }
      });
    }).catch(function () {
      show(form.dataset.offline || "Not saved: no connection. Press Save when you are back online.");
    }).then(function () { inflight = null; });
    return inflight;
  }

  function schedule() {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(save, 600);
  }

  form.addEventListener("change", schedule);
  form.addEventListener("submit", function (event) {
    // Let a pending save finish first, so the page carries the latest version number.
    if (!timer && !inflight) { return; }
    event.preventDefault();
    var submitter = event.submitter;
    if (timer) { clearTimeout(timer); timer = null; }
    (inflight || Promise.resolve()).then(function () {
      // A new task, not a microtask: a browser ignores requestSubmit() while it is still
      // firing the submit event it was called from.
      setTimeout(function () {
        if (form.requestSubmit && submitter) { form.requestSubmit(submitter); }
        else { form.submit(); }
      }, 0);
    });
  });
})();
