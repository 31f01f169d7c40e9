// Everything the console's pages do in the browser; served from /static so the pages can
// forbid inline script (Content-Security-Policy: script-src 'self').
(function () {
  // Live help list: the server says when the list changed; fetch the fresh list and swap it in.
  var list = document.getElementById("help-list");
  if (list && window.EventSource) {
    var source = new EventSource("/help/stream");
    source.addEventListener("changed", function () {
      fetch("/help/list", {credentials: "same-origin"})
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) { if (html !== null) { list.innerHTML = html; } });
    });
  }
  // Forms that cannot be undone ask first (data-confirm holds the question).
  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });
}());
