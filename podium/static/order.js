// Podium: an order waiting for its payment reloads itself once the payment (or the end of the hold) lands.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.querySelector("[data-order-poll]");
    if (!box || !window.fetch) { return; }
    var url = box.getAttribute("data-order-poll");
    var status = box.getAttribute("data-status");
    var delay = 2000;
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (state) {
          if (state.status && state.status !== status) { window.location.reload(); return; }
          delay = Math.min(delay * 1.3, 15000);
          window.setTimeout(poll, delay);
        })
        .catch(function () { window.setTimeout(poll, 10000); });
    }
    window.setTimeout(poll, delay);
  });
})();
