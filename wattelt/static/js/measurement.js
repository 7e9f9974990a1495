/* Question screens: save every answer the moment it is given.
 *
 * Without this script the Next/Back/Skip buttons post the form and save it; with it, each
 * choice is also sent at once in the background, so a closed tab or a lost connection keeps
 * what was chosen. The server answers with the answer's new version, which the form keeps, so a
 * later save by someone else is detected instead of overwritten. */
(function () {
  "use strict";

  function init(form) {
    var status = form.querySelector(".save-status");
    var version = form.querySelector("input[name=version]");
    var timer = null;
    var busy = false;
    var again = false;

    function say(key) {
      if (!status) return;
      status.textContent = status.getAttribute("data-" + key + "-label") || "";
      status.setAttribute("data-state", key);
    }

    function save() {
      if (busy) { again = true; return; }
      busy = true;
      var data = new FormData(form);
      data.set("action", "autosave");
      // Not form.action: the form's buttons are named "action", which shadows that property.
      fetch(form.getAttribute("action") || window.location.href, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-Wattelt-Autosave": "1", "Accept": "application/json" }
      }).then(function (response) {
        return response.json().then(function (body) { return { status: response.status, body: body }; });
      }).then(function (result) {
        if (result.body && result.body.saved) {
          if (version && result.body.version) version.value = result.body.version;
          say("saved");
        } else if (result.status === 409) {
          say("conflict");
        } else if (result.status >= 400) {
          say("error");
        }
      }).catch(function () {
        say("error");
      }).then(function () {
        busy = false;
        if (again) { again = false; save(); return; }
        if (waiting) { var button = waiting.button; waiting = null; submitWith(button); }
      });
    }

    // A Next pressed while a choice is still being saved would carry the old version and meet
    // its own save as a conflict: wait for the save, then go on with the new version.
    var waiting = null;
    function submitWith(button) {
      if (form.requestSubmit) {
        form.requestSubmit(button || undefined);
        return;
      }
      if (button && button.name) {
        var chosen = document.createElement("input");
        chosen.type = "hidden";
        chosen.name = button.name;
        chosen.value = button.value;
        form.appendChild(chosen);
      }
      form.submit();
    }
    form.addEventListener("submit", function (event) {
      if (!busy) return;
      event.preventDefault();
      waiting = { button: event.submitter || null };
    });

    form.addEventListener("change", function (event) {
      if (event.target && event.target.name === "note") return;
      save();
    });
    var note = form.querySelector("textarea[name=note]");
    if (note) {
      note.addEventListener("input", function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(save, 800);
      });
    }
  }

  function start() {
    if (!window.fetch || !window.FormData) return;
    var forms = document.querySelectorAll("form[data-autosave]");
    for (var i = 0; i < forms.length; i++) init(forms[i]);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
