// The editor's one enhancement: a problem's link puts the cursor on its line in the textarea
// (and so does ?field=text_uk&line=12 from the list of files). Without JavaScript the link
// still opens the file; nothing depends on this script. Loaded as a file (CSP: script-src 'self').
(function () {
  "use strict";
  function jump(fieldId, line) {
    var box = document.getElementById(fieldId);
    if (!box || !(line > 0)) { return false; }
    var lines = box.value.split("\n");
    var start = 0;
    for (var i = 0; i < line - 1 && i < lines.length; i++) { start += lines[i].length + 1; }
    var end = start + (lines[line - 1] || "").length;
    box.focus();
    box.setSelectionRange(start, end);
    var height = box.scrollHeight / Math.max(lines.length, 1);
    box.scrollTop = Math.max(0, (line - 3) * height);
    return true;
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a.problem-link") : null;
    if (link && link.pathname === window.location.pathname && jump(link.dataset.field, parseInt(link.dataset.line, 10))) {
      event.preventDefault();
    }
  });
  var params = new URLSearchParams(window.location.search);
  if (params.get("field") && params.get("line")) { jump(params.get("field"), parseInt(params.get("line"), 10)); }
})();
