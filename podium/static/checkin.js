// Podium check-in: scan a ticket's QR code with the camera (BarcodeDetector where the browser has it, else the
// vendored jsQR on video frames), admit without reloading, and keep the counts live. Without JavaScript the page
// still works: search, then admit with the plain forms.
(function () {
  "use strict";

  var CODE = /^[A-Za-z0-9_-]{8,64}$/;
  var TICKET_URL = /\/tickets\/([A-Za-z0-9_-]{8,64})(?:[/?#]|$)/;
  var SAME_CODE_MS = 4000; // a ticket held in front of the camera is read many times a second
  var COUNTS_MS = 5000;

  // The ticket's QR code carries its page's address (…/tickets/<code>); a bare code is accepted too.
  function ticketCode(text) {
    text = String(text || "").trim();
    var match = text.match(TICKET_URL);
    if (match) { return match[1]; }
    return CODE.test(text) ? text : null;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var root = document.getElementById("checkin");
    if (!root || !window.fetch) { return; }
    var panel = document.getElementById("checkin-result");
    var csrf = root.getAttribute("data-csrf");

    function label(name) { return root.getAttribute("data-label-" + name) || ""; }

    function line(className, text) {
      var p = document.createElement("p");
      p.className = className;
      p.textContent = text;
      panel.appendChild(p);
    }

    function show(result) {
      panel.className = "checkin-result result-" + result.status;
      panel.textContent = "";
      line("result-status", label(result.status));
      if (result.name) { line("result-name", result.name + (result.organisation ? " · " + result.organisation : "")); }
      if (result.ticket_type) { line("result-type", result.ticket_type); }
      line("result-message", result.message);
      if (navigator.vibrate) { navigator.vibrate(result.status === "admitted" ? 120 : [120, 80, 120, 80, 120]); }
    }

    function showProblem(text) {
      panel.className = "checkin-result result-error";
      panel.textContent = "";
      line("result-message", text);
    }

    function markRow(result) {
      if (result.status === "invalid" || !result.code) { return; }
      var rows = root.querySelectorAll(".checkin-row");
      for (var i = 0; i < rows.length; i++) {
        if (rows[i].getAttribute("data-code") !== result.code) { continue; }
        var action = rows[i].querySelector(".checkin-action");
        var badge = document.createElement("span");
        badge.className = "badge badge-in";
        badge.textContent = label("checked-in") + " " + result.checked_in_at_display + (result.by ? " · " + result.by : "");
        action.textContent = "";
        action.appendChild(badge);
      }
    }

    // ---- live counts ----------------------------------------------------------------------------
    var table = document.getElementById("checkin-counts");
    var countsTimer = null;

    function setCells(row, numbers) {
      if (!row) { return; }
      var cells = row.querySelectorAll("[data-field]");
      for (var i = 0; i < cells.length; i++) {
        var value = numbers[cells[i].getAttribute("data-field")];
        if (value !== undefined) { cells[i].textContent = String(value); }
      }
    }

    function refreshCounts() {
      window.clearTimeout(countsTimer);
      if (!table) { return; }
      if (document.hidden) { countsTimer = window.setTimeout(refreshCounts, COUNTS_MS); return; }
      fetch(root.getAttribute("data-counts"), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { if (!response.ok) { throw new Error(String(response.status)); } return response.json(); })
        .then(function (data) {
          for (var i = 0; i < data.types.length; i++) {
            setCells(table.querySelector('tr[data-type="' + data.types[i].id + '"]'), data.types[i]);
          }
          setCells(table.querySelector('tr[data-type="all"]'), data);
        })
        .catch(function () { /* the next poll tries again */ })
        .then(function () { countsTimer = window.setTimeout(refreshCounts, COUNTS_MS); });
    }
    countsTimer = window.setTimeout(refreshCounts, COUNTS_MS);

    // ---- admitting ------------------------------------------------------------------------------
    var pending = false;

    function admit(code) {
      pending = true;
      panel.className = "checkin-result result-checking";
      panel.textContent = "";
      line("result-message", label("checking"));
      return fetch(root.getAttribute("data-admit") + encodeURIComponent(code), {
        method: "POST",
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRF-Token": csrf }
      })
        .then(function (response) { if (!response.ok) { throw new Error(String(response.status)); } return response.json(); })
        .then(function (result) { show(result); markRow(result); refreshCounts(); })
        .catch(function () { showProblem(label("error")); })
        .then(function () { pending = false; });
    }

    var forms = root.querySelectorAll("form.admit-form");
    for (var f = 0; f < forms.length; f++) {
      forms[f].addEventListener("submit", function (event) {
        event.preventDefault();
        if (!pending) { admit(event.currentTarget.getAttribute("data-code")); }
      });
    }

    // ---- the camera -----------------------------------------------------------------------------
    var scanner = document.getElementById("scanner");
    var media = navigator.mediaDevices;
    if (!scanner || !media || !media.getUserMedia) { return; }
    var start = document.getElementById("scan-start");
    var stop = document.getElementById("scan-stop");
    var video = document.getElementById("scan-video");
    var canvas = document.getElementById("scan-canvas");
    var status = document.getElementById("scan-status");
    var context = null;
    var detector = null;
    var stream = null;
    var last = { code: "", at: 0 };

    function ready() {
      if (detector || window.jsQR) { scanner.hidden = false; }
    }

    if ("BarcodeDetector" in window && window.BarcodeDetector.getSupportedFormats) {
      window.BarcodeDetector.getSupportedFormats()
        .then(function (formats) {
          if (formats.indexOf("qr_code") >= 0) { detector = new window.BarcodeDetector({ formats: ["qr_code"] }); }
        })
        .catch(function () { detector = null; })
        .then(ready);
    } else {
      ready();
    }

    function stopCamera() {
      if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); }
      stream = null;
      video.srcObject = null;
      video.hidden = true;
      stop.hidden = true;
      start.hidden = false;
    }

    function fromFrame() {
      var width = video.videoWidth, height = video.videoHeight;
      if (!width || !height || !window.jsQR) { return null; }
      var scale = Math.min(1, 720 / Math.max(width, height)); // small frames decode fast enough on a phone
      width = Math.round(width * scale);
      height = Math.round(height * scale);
      canvas.width = width;
      canvas.height = height;
      if (!context) { context = canvas.getContext("2d", { willReadFrequently: true }); }
      context.drawImage(video, 0, 0, width, height);
      var found = window.jsQR(context.getImageData(0, 0, width, height).data, width, height, { inversionAttempts: "dontInvert" });
      return found ? found.data : null;
    }

    function read() {
      if (detector) {
        return detector.detect(video).then(function (codes) { return codes.length ? codes[0].rawValue : null; });
      }
      return Promise.resolve(fromFrame());
    }

    function handle(text) {
      var code = ticketCode(text);
      if (!code) { status.textContent = label("not-ticket"); return null; }
      var now = Date.now();
      if (pending || (code === last.code && now - last.at < SAME_CODE_MS)) { return null; }
      last = { code: code, at: now };
      status.textContent = label("scanning");
      return admit(code);
    }

    function loop() {
      if (!stream) { return; }
      var step = video.readyState >= 2 ? read() : Promise.resolve(null);
      step
        .then(function (text) { return text ? handle(text) : null; })
        .catch(function () { return null; })
        .then(function () { if (stream) { window.setTimeout(loop, 120); } });
    }

    start.addEventListener("click", function () {
      status.textContent = label("starting");
      media.getUserMedia({ video: { facingMode: { ideal: "environment" } }, audio: false })
        .then(function (opened) {
          stream = opened;
          video.srcObject = opened;
          video.hidden = false;
          start.hidden = true;
          stop.hidden = false;
          return video.play();
        })
        .then(function () { status.textContent = label("scanning"); loop(); })
        .catch(function () { stopCamera(); status.textContent = label("no-camera"); });
    });
    stop.addEventListener("click", function () { stopCamera(); status.textContent = ""; });
    document.addEventListener("visibilitychange", function () {
      if (document.hidden && stream) { stopCamera(); status.textContent = ""; }
    });
  });
})();
