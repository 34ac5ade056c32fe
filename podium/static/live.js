// Podium live rounds: a judge's phone follows the stage (countdown, next slot); the stage screen refreshes.
(function () {
  "use strict";
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  document.addEventListener("DOMContentLoaded", function () {
    var stage = document.querySelector("[data-refresh]");
    if (stage) {
      window.setTimeout(function () { window.location.reload(); }, 1000 * parseInt(stage.getAttribute("data-refresh"), 10));
    }
    var box = document.getElementById("live");
    if (!box || !window.fetch) { return; }
    // The server's clock decides; the phone's clock only measures the time since the page was served.
    var skew = Date.parse(box.getAttribute("data-now")) - Date.now();
    var phase = document.getElementById("phase"), clock = document.getElementById("clock");
    function tick() {
      if (!clock) { return; }
      var now = Date.now() + skew, label = "", until = null;
      var marks = [["data-pitch-ends", "data-label-pitch"], ["data-qa-ends", "data-label-qa"], ["data-locks", "data-label-grace"]];
      for (var i = 0; i < marks.length; i++) {
        var at = Date.parse(box.getAttribute(marks[i][0]) || "");
        if (!isNaN(at) && now < at) { label = box.getAttribute(marks[i][1]); until = at; break; }
      }
      if (until === null) { phase.textContent = box.getAttribute("data-label-locked"); clock.textContent = ""; return; }
      var left = Math.max(0, Math.round((until - now) / 1000));
      phase.textContent = label;
      clock.textContent = Math.floor(left / 60) + ":" + pad(left % 60);
    }
    function poll() {
      fetch(box.getAttribute("data-state"), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (state) {
          if (String(state.slot || "") !== box.getAttribute("data-slot")) { window.location.reload(); return; }
          window.setTimeout(poll, 3000);
        })
        .catch(function () { window.setTimeout(poll, 5000); });
    }
    tick();
    window.setInterval(tick, 1000);
    window.setTimeout(poll, 3000);
  });
})();
