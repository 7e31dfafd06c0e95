/* Warn a signed-in person two minutes before their idle session ends, and let them stay. */
(function () {
  "use strict";
  var body = document.body;
  var seconds = parseInt(body.getAttribute("data-session-seconds"), 10);
  var dialog = document.getElementById("cx-session-dialog");
  if (!seconds || !dialog || typeof dialog.showModal !== "function") {
    return;
  }
  var form = dialog.querySelector("form[data-keepalive]");
  var countdown = dialog.querySelector("[data-countdown]");
  var warnBefore = Math.min(120, Math.floor(seconds / 2));
  var warnTimer, endTimer, tick;

  function schedule() {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    clearInterval(tick);
    warnTimer = setTimeout(warn, (seconds - warnBefore) * 1000);
    endTimer = setTimeout(function () {
      window.location.assign(body.getAttribute("data-login-url"));
    }, seconds * 1000);
  }

  function warn() {
    var left = warnBefore;
    countdown.textContent = String(left);
    tick = setInterval(function () {
      left = Math.max(0, left - 1);
      countdown.textContent = String(left);
    }, 1000);
    dialog.showModal();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (response) {
        if (response.ok) {
          dialog.close();
          schedule();
        } else {
          window.location.assign(body.getAttribute("data-login-url"));
        }
      });
  });

  schedule();
})();
