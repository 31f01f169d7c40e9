// Live help list: the server says when the list changed; fetch the fresh list and swap it in.
(function () {
  var list = document.getElementById("help-list");
  if (!list || !window.EventSource) { return; }
  var source = new EventSource("/help/stream");
  source.addEventListener("changed", function () {
    fetch("/help/list", {credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) { if (html !== null) { list.innerHTML = html; } });
  });
}());
