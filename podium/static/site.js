// Podium: tell the server the browser's time zone, so anonymous visitors see local times.
(function () {
  "use strict";
  try {
    var tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (tz && document.cookie.indexOf("podium_tz=" + tz) === -1) {
      document.cookie = "podium_tz=" + tz + "; path=/; max-age=31536000; samesite=lax";
    }
  } catch (e) { /* old browser: times stay in UTC */ }
  // Move focus to an error summary so screen-reader and keyboard users land on it.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
  });
})();

// Podium: follow a running job (an import) on its page; reload when it has finished.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.querySelector("[data-poll]");
    if (!box || !window.fetch) { return; }
    var bar = document.getElementById("import-bar");
    var count = document.getElementById("import-count");
    function poll() {
      fetch(box.getAttribute("data-poll"), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (state) {
          if (state.status !== box.getAttribute("data-status")) { window.location.reload(); return; }
          bar.max = state.total || 1;
          bar.value = state.done;
          count.textContent = state.done + " / " + state.total;
          window.setTimeout(poll, 1000);
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    }
    window.setTimeout(poll, 500);
  });
})();
