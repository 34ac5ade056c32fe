// Autosave for forms marked data-autosave="<API URL>": every change is sent within a couple of seconds.
// If the network drops, the draft is kept in this browser and sent again with growing pauses.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch) { return; }
  var url = form.getAttribute("data-autosave");
  var csrf = form.getAttribute("data-csrf");
  var status = form.querySelector(".autosave-status");
  var key = "podium-draft:" + url;
  var timer = null, retryDelay = 2000, inFlight = false, pending = false;

  function values() {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrf_token" || el.disabled || el.type === "submit" || el.type === "button") { return; }
      if (el.type === "checkbox") {
        // A multiple-choice question: the list of ticked values (an empty list clears it).
        if (!Array.isArray(data[el.name])) { data[el.name] = []; }
        if (el.checked) { data[el.name].push(el.value); }
      } else if (el.type === "radio") {
        if (el.checked) { data[el.name] = el.value; } else if (!(el.name in data)) { data[el.name] = ""; }
      } else { data[el.name] = el.value; }
    });
    return data;
  }
  function say(which) { if (status) { status.textContent = status.getAttribute("data-" + which) || ""; } }

  function save() {
    if (inFlight) { pending = true; return; }
    var data = values();
    try { localStorage.setItem(key, JSON.stringify(data)); } catch (e) { /* private mode */ }
    inFlight = true;
    say("saving");
    fetch(url, {
      method: "PATCH", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf},
      body: JSON.stringify(data)
    }).then(function (response) {
      inFlight = false;
      if (response.ok) {
        retryDelay = 2000;
        try { localStorage.removeItem(key); } catch (e) { /* ignore */ }
        say("saved");
        if (pending) { pending = false; save(); }
      } else if (response.status >= 500) {
        schedule(retryDelay); retryDelay = Math.min(retryDelay * 2, 60000); say("offline");
      } else {
        // A field the server refuses, or a form that can no longer change: the full form submit shows the
        // message beside the field. The copy in this browser goes, so it cannot come back over saved values.
        try { localStorage.removeItem(key); } catch (e) { /* ignore */ }
        if (status) { status.textContent = ""; }
      }
    }).catch(function () {
      inFlight = false; say("offline");
      schedule(retryDelay); retryDelay = Math.min(retryDelay * 2, 60000);
    });
  }
  function schedule(delay) { clearTimeout(timer); timer = setTimeout(save, delay); }

  form.addEventListener("input", function () { schedule(1500); });
  form.addEventListener("change", function () { schedule(500); });
  window.addEventListener("online", function () { schedule(100); });

  // A draft left from a lost connection comes back into the form and is sent again.
  try {
    var kept = JSON.parse(localStorage.getItem(key) || "null");
    if (kept) {
      Object.keys(kept).forEach(function (name) {
        var value = kept[name];
        Array.prototype.forEach.call(form.querySelectorAll("[name='" + name + "']"), function (el) {
          if (el.type === "checkbox") { el.checked = Array.isArray(value) && value.indexOf(el.value) !== -1; }
          else if (el.type === "radio") { el.checked = el.value === value; }
          else { el.value = value; }
        });
      });
      schedule(100);
    }
  } catch (e) { /* ignore a broken draft */ }
})();
