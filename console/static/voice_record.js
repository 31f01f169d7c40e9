// The voice pack record page: record one take with MediaRecorder, play it back, and upload
// it only when staff keep it. Served from /static (the console forbids inline script).
(function () {
  var box = document.getElementById("recorder");
  if (!box) { return; }
  var buttons = {};
  ["start", "stop", "play", "keep", "redo"].forEach(function (name) {
    buttons[name] = document.getElementById("record-" + name);
  });
  var audio = document.getElementById("record-audio");
  var status = document.getElementById("record-status");
  var recorder = null, chunks = [], take = null;

  function enable(names) {
    Object.keys(buttons).forEach(function (name) { buttons[name].disabled = names.indexOf(name) < 0; });
  }
  function say(text) { status.textContent = text; }

  function start() {
    if (!navigator.mediaDevices || !window.MediaRecorder) {
      say("这个浏览器不能录音。请用新一点的 Chrome 或 Firefox，并用 https 打开志愿者台。");
      return;
    }
    navigator.mediaDevices.getUserMedia({audio: true}).then(function (stream) {
      chunks = [];
      recorder = new MediaRecorder(stream);
      recorder.ondataavailable = function (event) { if (event.data.size) { chunks.push(event.data); } };
      recorder.onstop = function () {
        stream.getTracks().forEach(function (track) { track.stop(); });
        take = new Blob(chunks, {type: recorder.mimeType || "audio/webm"});
        audio.src = URL.createObjectURL(take);
        enable(["play", "keep", "redo"]);
        say("录好了。请听一遍，满意就点“保留”，不满意点“重录”。");
      };
      recorder.start();
      enable(["stop"]);
      say("正在录音……读完请点“停止”。");
    }).catch(function () {
      say("没有打开话筒。请允许这个网页使用话筒，再点“录音”。");
    });
  }

  function keep() {
    if (!take) { return; }
    enable([]);
    say("正在保存……");
    fetch(box.getAttribute("data-upload"), {
      method: "POST", credentials: "same-origin", body: take,
      headers: {"X-CSRF-Token": box.getAttribute("data-csrf"), "Content-Type": take.type}
    }).then(function (response) {
      return response.json().then(function (answer) { return {ok: response.ok, answer: answer}; });
    }).then(function (result) {
      if (!result.ok) { say(result.answer.error || "没有存下，请再录一遍。"); enable(["start"]); return; }
      var a = result.answer;
      box.setAttribute("data-kept", JSON.stringify(a));
      say("存好了（" + a.seconds + " 秒" + (a.clipped ? "；声音太大了，下次离话筒远一点" : "") + "）。下一句……");
      window.setTimeout(function () { window.location.assign(a.next); }, 1200);
    }).catch(function () { say("网络不通，没有存下。请再点“保留”。"); enable(["keep", "redo"]); });
  }

  buttons.start.addEventListener("click", start);
  buttons.stop.addEventListener("click", function () { if (recorder) { recorder.stop(); } });
  buttons.play.addEventListener("click", function () { audio.play(); });
  buttons.keep.addEventListener("click", keep);
  buttons.redo.addEventListener("click", function () { take = null; audio.removeAttribute("src"); start(); });
  enable(["start"]);
}());
