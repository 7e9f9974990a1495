/* Question screens: save every answer the moment it is given, and lose none.
 *
 * Without this script the Next/Back/Skip buttons post the form and save it; with it, each
 * choice is also sent at once in the background, so a closed tab keeps what was chosen. The
 * server answers with the answer's new version, which the form keeps, so a later save by
 * someone else is detected instead of overwritten.
 *
 * Until the server has stored it, a choice is also kept on this device (localStorage, one entry
 * per question screen: its address names the measurement, the perspective and the screen; only
 * the form's fields are kept). A lost connection, a reload or a session that ended loses
 * nothing: the entry is sent again when the connection is back and when any question screen
 * opens, also after logging in again. An entry the server refuses for good (someone else
 * answered meanwhile, the measurement is finished, no access) is dropped.
 *
 * Pressing Next while a background save is still under way waits for it, so the two requests
 * reach the server in the order the person made them. */
(function () {
  "use strict";

  var PREFIX = "wattelt-answer:";
  var MAX_AGE = 7 * 24 * 3600 * 1000; // an entry this old is not sent any more
  var KEEP_ALIVE = 4 * 60 * 1000; // someone busy on a screen keeps the session this fresh
  var NOT_KEPT = { csrf_token: true, action: true };

  /* ------------------------------------------------------------ the queue */

  function store() {
    try {
      var s = window.localStorage;
      s.getItem(PREFIX);
      return s;
    } catch (e) {
      return null; // storage off (private mode, policy): background saves still work
    }
  }

  function fieldsOf(form) {
    var fields = [];
    new FormData(form).forEach(function (value, name) {
      if (!NOT_KEPT[name] && typeof value === "string") fields.push([name, value]);
    });
    return fields;
  }

  function keep(path, fields) {
    var s = store();
    var entry = { fields: fields, at: Date.now() };
    if (s) {
      try {
        s.setItem(PREFIX + path, JSON.stringify(entry));
      } catch (e) {
        /* full: the background save is all there is */
      }
    }
    return entry.at;
  }

  function read(path) {
    var s = store();
    if (!s) return null;
    try {
      var entry = JSON.parse(s.getItem(PREFIX + path) || "null");
      if (entry && entry.fields && Date.now() - entry.at < MAX_AGE) return entry;
      if (entry) s.removeItem(PREFIX + path);
    } catch (e) {
      s.removeItem(PREFIX + path);
    }
    return null;
  }

  /* Only the entry that was sent: a newer choice made meanwhile stays until it is sent too. */
  function forget(path, at) {
    var s = store();
    var entry = read(path);
    if (s && entry && (at === undefined || entry.at === at)) s.removeItem(PREFIX + path);
  }

  function waitingPaths() {
    var s = store();
    var paths = [];
    if (!s) return paths;
    for (var i = 0; i < s.length; i++) {
      var key = s.key(i);
      if (key && key.indexOf(PREFIX) === 0) paths.push(key.slice(PREFIX.length));
    }
    return paths;
  }

  /* One background save. Resolves with what happened, never rejects. */
  function send(path, fields, token, action) {
    var data = new FormData();
    fields.forEach(function (pair) { data.append(pair[0], pair[1]); });
    if (token) data.set("csrf_token", token);
    data.set("action", action || "autosave");
    return fetch(path, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      redirect: "manual",
      headers: { "X-Wattelt-Autosave": "1", "Accept": "application/json" }
    }).then(function (response) {
      if (response.type === "opaqueredirect") return { state: "logged-out", body: {} };
      return response.json().catch(function () { return {}; }).then(function (body) {
        var state = "error";
        if (response.ok) state = body.saved ? "saved" : "nothing";
        else if (response.status === 401 || body.logged_out) state = "logged-out";
        else if (response.status === 400 && body.csrf_token) state = "token";
        else if (response.status === 409) state = "conflict";
        else if (response.status >= 400 && response.status < 500) state = "refused";
        return { state: state, body: body };
      });
    }).catch(function () {
      return { state: "offline", body: {} };
    });
  }

  /* Send an entry; with a stale token once more with the fresh one the server hands back. */
  function deliver(path, fields, tokenInput, action) {
    var token = tokenInput ? tokenInput.value : "";
    return send(path, fields, token, action).then(function (result) {
      if (result.state !== "token") return result;
      if (tokenInput) tokenInput.value = result.body.csrf_token;
      return send(path, fields, result.body.csrf_token, action);
    });
  }

  /* Entries of other screens (an earlier screen, before the session ended): one by one. */
  function flushOthers(currentPath, tokenInput) {
    var paths = waitingPaths().filter(function (path) {
      return path !== currentPath && path.charAt(0) === "/";
    });
    function next() {
      var path = paths.shift();
      if (!path) return;
      var entry = read(path);
      if (!entry) { next(); return; }
      deliver(path, entry.fields, tokenInput).then(function (result) {
        if (result.state === "offline" || result.state === "logged-out") return; // later
        if (result.state !== "error") forget(path, entry.at);
        next();
      });
    }
    next();
  }

  /* ------------------------------------------------------------- the form */

  function restore(form, fields) {
    var values = {};
    fields.forEach(function (pair) { values[pair[0]] = pair[1]; });
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!element.name || NOT_KEPT[element.name]) return;
      if (element.type === "radio") {
        element.checked = values[element.name] === element.value;
      } else if (element.type === "checkbox") {
        element.checked = element.name in values;
      } else if (element.type !== "submit" && element.name in values) {
        element.value = values[element.name];
      }
    });
  }

  function init(form) {
    // Not form.action: the form's buttons are named "action", which shadows that property.
    var path = form.getAttribute("action") || window.location.pathname;
    var status = form.querySelector(".save-status");
    var again = form.querySelector(".save-login");
    var againLink = again ? again.querySelector("a") : null;
    var version = form.querySelector("input[name=version]");
    var tokenInput = form.querySelector("input[name=csrf_token]");
    var timer = null;
    var busy = false;
    var more = false;
    var waitingSubmit = null; // the button pressed while a save was under way
    var lastRequest = Date.now();

    function say(key) {
      if (!status) return;
      status.textContent = status.getAttribute("data-" + key + "-label") || "";
      status.setAttribute("data-state", key);
      if (again) again.hidden = key !== "logged-out";
    }

    function save() {
      if (busy) { more = true; return; }
      var entry = read(path);
      if (!entry) return;
      busy = true;
      lastRequest = Date.now();
      deliver(path, entry.fields, tokenInput).then(function (result) {
        var body = result.body || {};
        if (result.state === "saved") {
          forget(path, entry.at);
          if (version && body.version) version.value = body.version;
          // A newer choice waiting in the entry carries the version it was made on: bring it up.
          var newer = read(path);
          if (newer && body.version) {
            newer.fields.forEach(function (pair) { if (pair[0] === "version") pair[1] = String(body.version); });
            keep(path, newer.fields);
          }
          say("saved");
        } else if (result.state === "nothing") {
          forget(path, entry.at);
        } else if (result.state === "conflict" || result.state === "refused") {
          forget(path, entry.at);
          say(result.state === "conflict" ? "conflict" : "error");
        } else if (result.state === "logged-out") {
          if (againLink && body.login) againLink.setAttribute("href", body.login);
          say("logged-out");
        } else if (result.state === "offline") {
          say("offline");
        } else {
          say("error");
        }
      }).then(function () {
        busy = false;
        if (waitingSubmit) {
          var button = waitingSubmit;
          waitingSubmit = null;
          more = false; // the form post carries the latest choice itself
          if (form.requestSubmit) { form.requestSubmit(button); } else { button.click(); }
          return;
        }
        if (more) { more = false; save(); }
      });
    }

    function changed() {
      keep(path, fieldsOf(form));
      save();
    }

    form.addEventListener("submit", function (event) {
      window.clearTimeout(timer);
      if (navigator.onLine === false) {
        // The browser would show its own "no internet" page; the choice is kept here instead.
        event.preventDefault();
        keep(path, fieldsOf(form));
        say("offline");
        return;
      }
      if (busy) {
        event.preventDefault();
        waitingSubmit = event.submitter || form.querySelector("button[value=next]");
      }
    });

    form.addEventListener("change", function (event) {
      if (event.target && event.target.name === "note") return;
      changed();
    });
    var note = form.querySelector("textarea[name=note]");
    if (note) {
      note.addEventListener("input", function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(changed, 800);
      });
    }

    // Someone who reads, talks and thinks on one screen is not idle: any sign of life keeps the
    // session going (a page left alone is still logged out after the idle time).
    function alive() {
      if (busy || Date.now() - lastRequest < KEEP_ALIVE) return;
      lastRequest = Date.now();
      deliver(path, [], tokenInput, "keepalive").then(function (result) {
        if (result.state === "logged-out") {
          if (againLink && result.body.login) againLink.setAttribute("href", result.body.login);
          say("logged-out");
        }
      });
    }
    ["keydown", "pointerdown", "input", "scroll"].forEach(function (name) {
      window.addEventListener(name, alive, { passive: true });
    });

    window.addEventListener("online", function () {
      save();
      flushOthers(path, tokenInput);
    });

    // What this device still keeps for this screen is newer than what the server showed.
    var waiting = read(path);
    if (waiting) {
      restore(form, waiting.fields);
      save();
    }
    flushOthers(path, tokenInput);
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
