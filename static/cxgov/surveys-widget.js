/* cxgov survey widget: one script tag on an agency web site.

   <script src="https://cx.example.gov/static/cxgov/surveys-widget.js"
           data-survey="PUBLIC_ID" data-mode="button" data-lang="en"
           data-service="apply" data-channel="website" defer></script>

   data-service, data-channel, data-stage, data-segment and data-loc travel with the answers as
   the response's context; a value that matches nothing is kept as sent and never blocks it.

   data-mode="button" (default) adds a button that opens an accessible modal dialog;
   data-mode="inline" puts the form where the script tag is. Answers go to the same intake as
   the survey page; the survey must list the site under "web sites that may embed the widget".

   data-lang (default: the page's lang) picks the language, when the site and the agency offer
   it; the server answers in English otherwise. A survey of several pages is shown a page at a
   time: the server checks each page and says which comes next (show-if, skip rules, piping),
   so this script never evaluates the survey's logic itself. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.getAttribute("data-survey")) {
    return;
  }
  var base = new URL(script.src).origin;
  var surveyId = script.getAttribute("data-survey");
  var mode = script.getAttribute("data-mode") || "button";
  var lang = script.getAttribute("data-lang") || document.documentElement.lang || "en";
  var CONTEXT = ["service", "channel", "stage", "segment", "loc"];
  var uid = "cxgov-survey-" + surveyId;
  var definition = null;
  var opener = null;
  /* A survey of several pages: every answer so far by question key, and the pages shown, each
     as the server sent it (Back shows the page again without asking the server). */
  var answers = {};
  var pages = [];

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      node.setAttribute(key, attrs[key]);
    });
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  var sheet = el("link", { rel: "stylesheet", href: base + "/static/cxgov/surveys-widget.css" });
  document.head.appendChild(sheet);

  function questionText(q) {
    /* English shown for want of a translation is marked so, for screen readers. */
    return q.text_lang ? el("span", { lang: q.text_lang }, q.text) : document.createTextNode(q.text);
  }

  function questionNode(q) {
    var group = el("div", { "class": "cxgov-w-group", "data-name": q.name });
    var hintId = uid + "-" + q.name + "-hint";
    var errorId = uid + "-" + q.name + "-error";
    var hint = el("p", { "class": "cxgov-w-hint", id: hintId }, q.hint);
    var error = el("p", { "class": "cxgov-w-error", id: errorId });
    error.hidden = true;
    if (q.options.length) {
      var fieldset = el("fieldset", { "aria-describedby": hintId + " " + errorId });
      var legend = el("legend");
      legend.appendChild(questionText(q));
      if (q.required) {
        legend.appendChild(el("span", { "class": "cxgov-w-required" }, " (" + definition.labels.required + ")"));
      }
      fieldset.appendChild(legend);
      if (q.hint) {
        fieldset.appendChild(hint);
      }
      fieldset.appendChild(error);
      q.options.forEach(function (option) {
        var id = uid + "-" + q.name + "-" + option.value;
        var row = el("div", { "class": "cxgov-w-option" });
        row.appendChild(el("input", {
          type: q.multiple ? "checkbox" : "radio", id: id, name: q.name, value: option.value
        }));
        row.appendChild(el("label", { "for": id }, option.label));
        fieldset.appendChild(row);
      });
      group.appendChild(fieldset);
    } else {
      var id = uid + "-" + q.name;
      var label = el("label", { "for": id });
      label.appendChild(questionText(q));
      if (q.required) {
        label.appendChild(el("span", { "class": "cxgov-w-required" }, " (" + definition.labels.required + ")"));
      }
      group.appendChild(label);
      if (q.hint) {
        group.appendChild(hint);
      }
      group.appendChild(error);
      var field = el(q.kind === "long_text" ? "textarea" : "input", {
        id: id, name: q.name, maxlength: String(q.max_length), "aria-describedby": hintId + " " + errorId
      });
      if (q.kind === "long_text") {
        field.setAttribute("rows", "4");
      }
      if (q.kind === "date") {
        field.setAttribute("type", "date");
      }
      group.appendChild(field);
    }
    if (q.show_if) {
      group.setAttribute("data-show-if", q.show_if);
      group.setAttribute("data-show-values", q.show_values.join(" "));
    }
    return group;
  }

  function updateConditions(form) {
    form.querySelectorAll("[data-show-if]").forEach(function (group) {
      var wanted = group.getAttribute("data-show-values").split(" ");
      var chosen = [];
      form.querySelectorAll("input[name='" + group.getAttribute("data-show-if") + "']").forEach(function (input) {
        if (input.checked) {
          chosen.push(input.value);
        }
      });
      var show = chosen.some(function (value) { return wanted.indexOf(value) !== -1; });
      group.hidden = !show;
      group.querySelectorAll("input, textarea").forEach(function (field) { field.disabled = !show; });
    });
  }

  function buildForm(container) {
    var form = el("form", { "class": "cxgov-w-form", novalidate: "novalidate" });
    var alert = el("div", { "class": "cxgov-w-alert", role: "alert", tabindex: "-1" });
    alert.hidden = true;
    form.appendChild(alert);
    var status = el("p", { "class": "cxgov-w-status", role: "status" });
    status.hidden = true;
    form.appendChild(status);
    if (definition.intro) {
      form.appendChild(el("p", {}, definition.intro));
    }
    var progress = null;
    if (definition.paging) {
      progress = el("p", { "class": "cxgov-w-progress", id: uid + "-progress", tabindex: "-1", "aria-live": "polite" });
      form.appendChild(progress);
    }
    var trap = el("div", { "class": "cxgov-w-offscreen" });
    trap.appendChild(el("label", { "for": uid + "-website" }, definition.labels.honeypot));
    trap.appendChild(el("input", { id: uid + "-website", name: "website_url", tabindex: "-1", autocomplete: "off" }));
    form.appendChild(trap);
    var area = el("div", { "class": "cxgov-w-page" });
    form.appendChild(area);
    var nav = el("div", { "class": "cxgov-w-nav" });
    var back = el("button", { type: "button", "class": "cxgov-w-button cxgov-w-secondary" }, definition.labels.back);
    var forward = el("button", { type: "submit", "class": "cxgov-w-button" }, definition.labels.submit);
    nav.appendChild(back);
    nav.appendChild(forward);
    form.appendChild(nav);
    if (definition.omb.number) {
      var omb = definition.labels.omb + ": " + definition.omb.number;
      if (definition.omb.expires) {
        omb += " · " + definition.labels.expires + ": " + definition.omb.expires;
      }
      form.appendChild(el("p", { "class": "cxgov-w-hint" }, omb));
      if (definition.omb.statement) {
        form.appendChild(el("p", { "class": "cxgov-w-hint" }, definition.omb.statement));
      }
    }
    var ui = {
      form: form, alert: alert, area: area, progress: progress,
      back: back, forward: forward
    };
    form.addEventListener("change", function () { updateConditions(form); });
    var pending = pendingLoad();
    if (pending) {
      answers = {};
      pending.fields.forEach(function (pair) { remember(pair[0], pair[1]); });
    }
    pages = [{ paging: definition.paging, questions: definition.questions }];
    showPage(ui, false);
    if (pending) {
      showStatus(form, definition.labels.restored);
    }
    back.addEventListener("click", function () {
      keepPage(ui);
      pages.pop();
      showPage(ui, true);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (definition.paging) {
        keepPage(ui);
        nextPage(ui);
      } else {
        submit(ui, formFields(form));
      }
    });
    container.appendChild(form);
    currentUi = ui;
    return ui;
  }

  /* Draws the last page shown, filled with the answers kept for it. */
  function showPage(ui, moveFocus) {
    var shown = pages[pages.length - 1];
    ui.area.textContent = "";
    clearErrors(ui);
    shown.questions.forEach(function (q) { ui.area.appendChild(questionNode(q)); });
    restoreFields(ui.form, answerFields());
    if (shown.paging) {
      ui.progress.textContent = definition.labels.page
        .replace("%(number)s", String(shown.paging.number))
        .replace("%(total)s", String(shown.paging.total));
      ui.forward.textContent = shown.paging.last ? definition.labels.submit : definition.labels.next;
    }
    ui.back.hidden = pages.length < 2;
    if (moveFocus && ui.progress) {
      ui.progress.focus();
    }
  }

  /* A repeated name ("choose any") becomes a list; the server reads one value or a list. */
  function remember(name, value) {
    if (name.indexOf("q-") !== 0) {
      return;
    }
    var key = name.slice(2);
    answers[key] = answers[key] === undefined ? value : [].concat(answers[key], [value]);
  }

  /* The answers on the page shown replace what was kept for its questions. */
  function keepPage(ui) {
    pages[pages.length - 1].questions.forEach(function (q) {
      delete answers[q.name.slice(2)];
      delete answers[q.name.slice(2) + "_other"];
    });
    new FormData(ui.form).forEach(function (value, name) {
      if (name.indexOf("q-") === 0 && String(value) !== "") {
        remember(name, String(value));
      }
    });
  }

  function answerFields() {
    var fields = [];
    Object.keys(answers).forEach(function (key) {
      [].concat(answers[key]).forEach(function (value) { fields.push(["q-" + key, value]); });
    });
    return fields;
  }

  function context() {
    var found = {};
    CONTEXT.forEach(function (name) {
      if (script.getAttribute("data-" + name)) {
        found[name] = script.getAttribute("data-" + name);
      }
    });
    return found;
  }

  /* The server checks the page and answers with its errors, the next page, or done. */
  function nextPage(ui) {
    var shown = pages[pages.length - 1];
    ui.forward.disabled = true;
    fetch(definition.page_url, {
      method: "POST",
      credentials: "omit",
      /* text/plain keeps the request "simple" (no CORS preflight); the body is JSON. */
      headers: { "Content-Type": "text/plain;charset=UTF-8" },
      body: JSON.stringify({
        page: shown.paging.page, answers: answers, context: context(),
        submission_id: definition.submission_id
      })
    })
      .then(function (reply) { return reply.json(); })
      .then(function (result) {
        ui.forward.disabled = false;
        if (!result.ok) {
          showResult(ui, result);
        } else if (result.done) {
          var fields = answerFields();
          fields.push(["website_url", ui.form.elements.website_url.value]);
          submit(ui, fields.concat(pageFields()));
        } else {
          pages.push({ paging: result.paging, questions: result.questions });
          showPage(ui, true);
        }
      })
      .catch(function () {
        ui.forward.disabled = false;
        showAlert(ui.alert, [definition.labels.failed]);
      });
  }

  /* Answers wait in localStorage until the server confirms them, so a network failure, a
     busy server (429) or a database outage (503) loses nothing: the widget tries again with
     growing waits, and again on the next visit. The submission id makes retries land once. */
  var storeKey = "cxgov-survey-pending:" + surveyId;
  var retryTimer = null;
  var retryCount = 0;
  var currentUi = null;
  var RETRY_BASE_SECONDS = 2;
  var RETRY_MAX_SECONDS = 60;

  function pendingLoad() {
    try {
      var raw = window.localStorage.getItem(storeKey);
      return raw ? JSON.parse(raw) : null;
    } catch (error) {
      return null;
    }
  }

  function pendingSave(pending) {
    try {
      window.localStorage.setItem(storeKey, JSON.stringify(pending));
    } catch (error) {
      /* Storage may be full or switched off; the answers then live only in the form. */
    }
  }

  function pendingClear() {
    try {
      window.localStorage.removeItem(storeKey);
    } catch (error) {
      /* Nothing to clear. */
    }
  }

  function formFields(form) {
    var fields = [];
    new FormData(form).forEach(function (value, key) {
      fields.push([key, String(value)]);
    });
    return fields.concat(pageFields());
  }

  /* Where the widget was answered and the context the site gave it. */
  function pageFields() {
    var fields = [["page", window.location.href]];
    var given = context();
    Object.keys(given).forEach(function (name) { fields.push([name, given[name]]); });
    return fields;
  }

  function restoreFields(form, fields) {
    fields.forEach(function (pair) {
      form.querySelectorAll("[name='" + CSS.escape(pair[0]) + "']").forEach(function (field) {
        if (field.type === "radio" || field.type === "checkbox") {
          if (field.value === pair[1]) {
            field.checked = true;
          }
        } else if (field.name !== "website_url") {
          field.value = pair[1];
        }
      });
    });
    updateConditions(form);
  }

  function showStatus(form, text) {
    var node = form && form.querySelector(".cxgov-w-status");
    if (node) {
      node.textContent = text;
      node.hidden = !text;
    }
  }

  function retryWait(reply) {
    var wait = Math.min(RETRY_BASE_SECONDS * Math.pow(2, retryCount), RETRY_MAX_SECONDS);
    var asked = reply ? parseInt(reply.headers.get("Retry-After") || "", 10) : NaN;
    if (!isNaN(asked) && asked > 0) {
      wait = Math.min(asked, RETRY_MAX_SECONDS);
    }
    return wait;
  }

  function scheduleRetry(ui, reply) {
    var wait = retryWait(reply);
    retryCount += 1;
    showStatus(ui && ui.form, definition.labels.kept.replace("%(seconds)s", String(wait)));
    window.clearTimeout(retryTimer);
    retryTimer = window.setTimeout(function () { send(ui); }, wait * 1000);
  }

  function send(ui) {
    var pending = pendingLoad();
    if (!pending) {
      return;
    }
    window.clearTimeout(retryTimer);
    var data = new URLSearchParams();
    pending.fields.forEach(function (pair) { data.append(pair[0], pair[1]); });
    data.append("submission_id", pending.submission_id);
    fetch(definition.submit_url, { method: "POST", body: data, credentials: "omit" })
      .then(function (reply) {
        if (reply.status === 429 || reply.status >= 500) {
          scheduleRetry(ui || currentUi, reply);
          return null;
        }
        return reply.json().then(function (result) { return { reply: reply, result: result }; });
      })
      .then(function (outcome) {
        if (!outcome) {
          return;
        }
        // A definite answer (stored, or refused with reasons) ends the waiting either way.
        retryCount = 0;
        pendingClear();
        var target = ui || currentUi;
        if (target && document.body.contains(target.form)) {
          showResult(target, outcome.result);
        }
      })
      .catch(function () { scheduleRetry(ui || currentUi, null); });
  }

  function submit(ui, fields) {
    var previous = pendingLoad();
    pendingSave({
      submission_id: previous ? previous.submission_id : definition.submission_id,
      fields: fields
    });
    retryCount = 0;
    send(ui);
  }

  function clearErrors(ui) {
    ui.alert.hidden = true;
    ui.form.querySelectorAll(".cxgov-w-error").forEach(function (node) { node.hidden = true; node.textContent = ""; });
  }

  function showResult(ui, result) {
    var form = ui.form;
    showStatus(form, "");
    clearErrors(ui);
    if (result.ok) {
      answers = {};
      /* The form gives way to the thanks; an inline widget keeps its heading (its name). */
      var done = el("p", { "class": "cxgov-w-thanks", role: "status", tabindex: "-1" }, result.thank_you);
      form.replaceWith(done);
      done.focus();
      return;
    }
    var messages = [];
    Object.keys(result.errors || {}).forEach(function (key) {
      var node = form.querySelector("#" + CSS.escape(uid + "-q-" + key + "-error"));
      if (node) {
        node.textContent = result.errors[key];
        node.hidden = false;
      }
      messages.push(result.errors[key]);
    });
    showAlert(ui.alert, messages.length ? messages : [definition.labels.failed]);
  }

  function showAlert(alert, messages) {
    alert.textContent = "";
    alert.appendChild(el("p", { "class": "cxgov-w-alert-heading" }, definition.labels.errors));
    var list = el("ul");
    messages.forEach(function (text) { list.appendChild(el("li", {}, text)); });
    alert.appendChild(list);
    alert.hidden = false;
    alert.focus();
  }

  function focusables(root) {
    return Array.prototype.filter.call(
      root.querySelectorAll("button, [href], input, textarea, select, [tabindex]:not([tabindex='-1'])"),
      function (node) { return !node.disabled && node.offsetParent !== null && node.tabIndex !== -1; }
    );
  }

  function openDialog() {
    var overlay = el("div", { "class": "cxgov-w-overlay" });
    var dialog = el("div", {
      "class": "cxgov-w-dialog", role: "dialog", "aria-modal": "true", "aria-labelledby": uid + "-title",
      lang: definition.lang, dir: definition.dir
    });
    var header = el("div", { "class": "cxgov-w-header" });
    header.appendChild(el("h2", { id: uid + "-title" }, definition.title));
    var close = el("button", { type: "button", "class": "cxgov-w-close", "aria-label": definition.labels.close }, "×");
    header.appendChild(close);
    dialog.appendChild(header);
    var body = el("div", { "class": "cxgov-w-body" });
    dialog.appendChild(body);
    if (definition.open) {
      buildForm(body);
    } else {
      body.appendChild(el("p", {}, definition.closed_message));
    }
    overlay.appendChild(dialog);
    document.body.appendChild(overlay);

    function shut() {
      overlay.remove();
      document.removeEventListener("keydown", onKey, true);
      if (opener) {
        opener.focus();
      }
    }
    function onKey(event) {
      if (event.key === "Escape") {
        event.preventDefault();
        shut();
      } else if (event.key === "Tab") {
        var items = focusables(dialog);
        if (!items.length) {
          return;
        }
        var first = items[0];
        var last = items[items.length - 1];
        if (event.shiftKey && (document.activeElement === first || !dialog.contains(document.activeElement))) {
          event.preventDefault();
          last.focus();
        } else if (!event.shiftKey && (document.activeElement === last || !dialog.contains(document.activeElement))) {
          event.preventDefault();
          first.focus();
        }
      }
    }
    close.addEventListener("click", shut);
    document.addEventListener("keydown", onKey, true);
    var start = focusables(dialog);
    (start[1] || start[0]).focus();
  }

  function start() {
    var query = new URLSearchParams(context());
    query.set("lang", lang);
    var address = base + "/surveys/" + encodeURIComponent(surveyId) + "/widget.json?" + query.toString();
    fetch(address, { credentials: "omit" })
      .then(function (reply) { return reply.json(); })
      .then(function (loaded) {
        definition = loaded;
        var holder = el("div", { "class": "cxgov-w", lang: definition.lang, dir: definition.dir });
        script.parentNode.insertBefore(holder, script);
        if (mode === "inline") {
          var section = el("section", { "class": "cxgov-w-inline", "aria-labelledby": uid + "-title" });
          section.appendChild(el("h2", { id: uid + "-title" }, definition.title));
          holder.appendChild(section);
          if (definition.open) {
            var ui = buildForm(section);
            if (pendingLoad()) {
              send(ui);
            }
          } else {
            section.appendChild(el("p", {}, definition.closed_message));
          }
          return;
        }
        if (pendingLoad() && definition.open) {
          send(null);
        }
        opener = el("button", { type: "button", "class": "cxgov-w-button cxgov-w-opener", "aria-haspopup": "dialog" }, definition.labels.open);
        opener.addEventListener("click", openDialog);
        holder.appendChild(opener);
      });
  }

  start();
})();
