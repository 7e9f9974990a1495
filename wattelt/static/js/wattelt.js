/*
 * Wattelt: small progressive enhancements. Every page works without this file.
 * Loaded with `defer` on every page; no inline scripts (the CSP allows script-src 'self' only).
 *
 *  - [data-read-aloud]   read text aloud with the browser's own speech (nothing leaves the device)
 *  - .copy-button        copy an invitation link to the clipboard
 *  - form[data-confirm]  ask before a form with consequences is sent
 *  - [data-show-password] a toggle that shows the typed password
 *  - .error-summary      gets focus on page load, so a screen reader reads the errors first
 */
(function () {
  "use strict";

  var doc = document;

  function each(selector, fn, root) {
    Array.prototype.forEach.call((root || doc).querySelectorAll(selector), fn);
  }

  function safeQueryAll(selector) {
    try {
      return Array.prototype.slice.call(doc.querySelectorAll(selector));
    } catch (e) {
      return [];
    }
  }

  /* ------------------------------------------------------------ live region */

  var liveRegion = null;

  /* Made early (before anything is announced): screen readers skip live regions that appear late. */
  function ensureLiveRegion() {
    if (!liveRegion) {
      liveRegion = doc.createElement("div");
      liveRegion.className = "visually-hidden";
      liveRegion.setAttribute("role", "status");
      liveRegion.setAttribute("aria-live", "polite");
      doc.body.appendChild(liveRegion);
    }
  }

  function announce(text) {
    ensureLiveRegion();
    // Empty first, so the same text twice in a row is announced again.
    liveRegion.textContent = "";
    window.setTimeout(function () {
      liveRegion.textContent = text;
    }, 50);
  }

  /* ------------------------------------------------------------- read aloud */

  function pageLanguage() {
    return (doc.documentElement.getAttribute("lang") || "nl").toLowerCase();
  }

  function pickVoice(synth, lang) {
    var voices;
    try {
      voices = synth.getVoices() || [];
    } catch (e) {
      return null;
    }
    var base = lang.split("-")[0];
    var exact = null;
    var local = null;
    var any = null;
    for (var i = 0; i < voices.length; i++) {
      var voiceLang = (voices[i].lang || "").toLowerCase().replace("_", "-");
      if (voiceLang === lang || (base === "nl" && voiceLang === "nl-nl") || (base === "en" && voiceLang === "en-gb")) {
        exact = exact || voices[i];
      }
      if (voiceLang.split("-")[0] === base) {
        if (voices[i].localService && !local) {
          local = voices[i];
        }
        any = any || voices[i];
      }
    }
    return exact || local || any;
  }

  var SKIP = "[data-no-read], [aria-hidden='true'], [hidden], script, style, template, noscript, " +
    "select, textarea, input, svg, .read-aloud";

  function isBlock(element) {
    var display = window.getComputedStyle(element).display;
    return display !== "inline" && display !== "inline-block" && display !== "contents";
  }

  function labelOf(input) {
    var labels = input.labels && input.labels.length ? input.labels : [];
    return labels.length ? readableText(labels[0]).replace(/[.]$/, "") : "";
  }

  /* "You chose: Not good." after a group of choices (a fieldset) in which something is chosen. */
  function chosenText(fieldset, chosenLabel) {
    var chosen = [];
    each("input[type=radio], input[type=checkbox]", function (input) {
      if (input.checked && input.closest("fieldset") === fieldset) {
        var label = labelOf(input);
        if (label) chosen.push(label);
      }
    }, fieldset);
    return chosen.length ? (chosenLabel + " " + chosen.join(", ") + ".") : "";
  }

  /*
   * A table, read per row as sentences: "Money. Resident: Not good. Coach: Good." Cells marked
   * [data-no-read] (links such as "Change" in every row) are left out.
   */
  function tableText(table, chosenLabel) {
    var out = [];
    var caption = table.querySelector("caption");
    if (caption) {
      out.push(readableText(caption, chosenLabel));
    }
    var headers = [];
    if (table.tHead && table.tHead.rows.length) {
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) {
        headers.push(cell.matches(SKIP) ? "" : readableText(cell, chosenLabel).replace(/[.]$/, ""));
      });
    }
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var parts = [];
        Array.prototype.forEach.call(row.cells, function (cell, index) {
          if (cell.matches(SKIP)) {
            return;
          }
          var text = readableText(cell, chosenLabel).replace(/[.]$/, "");
          if (!text) {
            return;
          }
          var head = cell.tagName === "TH" ? "" : headers[index] || "";
          parts.push(head ? head + ": " + text : text);
        });
        if (parts.length) {
          out.push(parts.join(". ") + ".");
        }
      });
    });
    return out.join(" ");
  }

  /*
   * The visible text of an element, as innerText would give it, but leaving out [data-no-read],
   * aria-hidden and hidden parts. After every block (paragraph, list item, heading) a full stop
   * is added when there is none, so the voice pauses there instead of running sentences together.
   * A table is read per row; after a group of choices what is chosen is said (with chosenLabel).
   */
  function readableText(root, chosenLabel) {
    var text = "";

    function endSentence() {
      var trimmed = text.replace(/\s+$/, "");
      if (trimmed && !/[.!?:;,]$/.test(trimmed)) {
        text = trimmed + ".";
      }
      text += " ";
    }

    function walk(node) {
      if (node.nodeType === 3) {
        text += node.nodeValue;
        return;
      }
      if (node.nodeType !== 1 || node.matches(SKIP)) {
        return;
      }
      var style = window.getComputedStyle(node);
      if (style.display === "none" || style.visibility === "hidden") {
        return;
      }
      var block = node.tagName === "BR" || isBlock(node);
      if (block) {
        endSentence();
      }
      if (node.tagName === "TABLE") {
        text += tableText(node, chosenLabel);
        endSentence();
        return;
      }
      for (var child = node.firstChild; child; child = child.nextSibling) {
        walk(child);
      }
      if (node.tagName === "FIELDSET" && chosenLabel) {
        endSentence();
        text += chosenText(node, chosenLabel);
      }
      if (block) {
        endSentence();
      }
    }

    walk(root);
    return text.replace(/\s+/g, " ").replace(/\s+([.!?:;,])/g, "$1").replace(/^[\s.]+/, "").trim();
  }

  /* Short pieces: some browsers stop speaking after about fifteen seconds of one utterance. */
  function chunks(text) {
    var sentences = text.match(/[^.!?]+[.!?]*\s*/g) || [text];
    var out = [];
    var current = "";
    sentences.forEach(function (sentence) {
      if (current && (current + sentence).length > 220) {
        out.push(current.trim());
        current = "";
      }
      current += sentence;
    });
    if (current.trim()) {
      out.push(current.trim());
    }
    return out;
  }

  function initReadAloud() {
    var buttons = safeQueryAll("[data-read-aloud]");
    if (!buttons.length) {
      return;
    }
    var synth;
    try {
      synth = window.speechSynthesis;
      if (!synth || typeof window.SpeechSynthesisUtterance !== "function") {
        return;
      }
    } catch (e) {
      return;
    }

    var speakingButton = null;

    // Some browsers load their voices later.
    try {
      if (typeof synth.addEventListener === "function") {
        synth.addEventListener("voiceschanged", checkVoices);
      }
    } catch (e) {
      /* ignore */
    }

    function reset() {
      if (speakingButton) {
        speakingButton.setAttribute("aria-pressed", "false");
      }
      speakingButton = null;
    }

    function stop() {
      try {
        synth.cancel();
      } catch (e) {
        /* ignore */
      }
      reset();
    }

    function targetsOf(button) {
      var selector = (button.getAttribute("data-read-aloud") || "").trim();
      if (!selector) {
        var main = button.closest("main") || doc.querySelector("main");
        return main ? [main] : [];
      }
      return safeQueryAll(selector);
    }

    /* Without a voice for the page's language, the button says so (and still reads). */
    function noteMissingVoice(button, voice) {
      var note = button.querySelector(".read-aloud-note");
      if (voice || note) {
        return;
      }
      note = doc.createElement("span");
      note.className = "read-aloud-note";
      note.textContent = button.getAttribute("data-no-voice-label") || "";
      button.appendChild(note);
    }

    function checkVoices() {
      var voices = [];
      try {
        voices = synth.getVoices() || [];
      } catch (e) {
        return;
      }
      if (voices.length) {
        var voice = pickVoice(synth, pageLanguage());
        buttons.forEach(function (button) {
          noteMissingVoice(button, voice);
        });
      }
    }

    function speak(button) {
      var chosenLabel = button.getAttribute("data-chosen-label") || "";
      var text = targetsOf(button)
        .map(function (target) {
          return readableText(target, chosenLabel);
        })
        .filter(Boolean)
        .join(" ");
      if (!text) {
        return;
      }
      var lang = pageLanguage();
      var voice = pickVoice(synth, lang);
      noteMissingVoice(button, voice);
      var pieces = chunks(text);
      speakingButton = button;
      button.setAttribute("aria-pressed", "true");
      pieces.forEach(function (piece, index) {
        var utterance = new window.SpeechSynthesisUtterance(piece);
        utterance.lang = voice ? voice.lang : lang;
        if (voice) {
          utterance.voice = voice;
        }
        utterance.rate = 0.9;
        if (index === pieces.length - 1) {
          utterance.onend = function () {
            if (speakingButton === button) {
              reset();
            }
          };
        }
        utterance.onerror = function (event) {
          // "interrupted"/"canceled" come from our own stop(); anything else ends the reading.
          if (speakingButton === button) {
            reset();
            if (event && event.error !== "interrupted" && event.error !== "canceled") {
              try {
                synth.cancel();
              } catch (e) {
                /* ignore */
              }
            }
          }
        };
        synth.speak(utterance);
      });
    }

    buttons.forEach(function (button) {
      button.setAttribute("aria-pressed", "false");
      button.hidden = false;
      button.addEventListener("click", function () {
        try {
          var wasThisOne = speakingButton === button;
          if (speakingButton || synth.speaking || synth.pending) {
            stop();
            if (wasThisOne) {
              return;
            }
          }
          speak(button);
        } catch (e) {
          reset();
        }
      });
    });

    checkVoices();

    // Stop talking when leaving the page.
    window.addEventListener("pagehide", stop);
  }

  /* ------------------------------------------------------------------ copy */

  function selectContents(element) {
    if (element.select && (element.tagName === "INPUT" || element.tagName === "TEXTAREA")) {
      element.focus();
      element.select();
      return;
    }
    var selection = window.getSelection && window.getSelection();
    if (!selection) {
      return;
    }
    var range = doc.createRange();
    range.selectNodeContents(element);
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function legacyCopy(element) {
    selectContents(element);
    try {
      return doc.execCommand && doc.execCommand("copy");
    } catch (e) {
      return false;
    }
  }

  function initCopy() {
    each("button.copy-button[data-copy-target]", function (button) {
      var target;
      try {
        target = doc.querySelector(button.getAttribute("data-copy-target"));
      } catch (e) {
        target = null;
      }
      if (!target) {
        return;
      }
      ensureLiveRegion();
      button.hidden = false;
      var label = button.querySelector("span");
      var originalLabel = label ? label.textContent : button.textContent;
      var timer = null;

      function done(copied) {
        if (!copied) {
          // Could not copy: leave the text selected, so the user can copy it themselves.
          selectContents(target);
          return;
        }
        var copiedText = button.getAttribute("data-copied-label") || "Copied";
        button.classList.add("is-copied");
        if (label) {
          label.textContent = copiedText;
        }
        announce(copiedText);
        window.clearTimeout(timer);
        timer = window.setTimeout(function () {
          button.classList.remove("is-copied");
          if (label) {
            label.textContent = originalLabel;
          }
        }, 4000);
      }

      button.addEventListener("click", function () {
        var text = ("value" in target && target.tagName !== "BUTTON" ? target.value : target.textContent) || "";
        text = text.trim();
        if (navigator.clipboard && typeof navigator.clipboard.writeText === "function" && window.isSecureContext) {
          navigator.clipboard.writeText(text).then(
            function () {
              done(true);
            },
            function () {
              done(legacyCopy(target));
            }
          );
        } else {
          done(legacyCopy(target));
        }
      });
    });
  }

  /* --------------------------------------------------------------- confirm */

  function initConfirm() {
    doc.addEventListener("submit", function (event) {
      var form = event.target;
      if (!form || !form.getAttribute) {
        return;
      }
      var message = form.getAttribute("data-confirm");
      if (message && !window.confirm(message)) {
        event.preventDefault();
      }
    });
  }

  /* --------------------------------------------------------- show password */

  /* A toggle button: pressed, the password field shows what was typed. */
  function initShowPassword() {
    each("button[data-show-password]", function (button) {
      var input = doc.getElementById(button.getAttribute("data-show-password"));
      if (!input) {
        return;
      }
      button.setAttribute("aria-pressed", "false");
      button.hidden = false;
      button.addEventListener("click", function () {
        var show = input.type === "password";
        input.type = show ? "text" : "password";
        button.setAttribute("aria-pressed", show ? "true" : "false");
      });
    });
  }

  /* ----------------------------------------------------------------- focus */

  function initFocus() {
    var summary = doc.querySelector(".error-summary");
    if (summary) {
      if (!summary.hasAttribute("tabindex")) {
        summary.setAttribute("tabindex", "-1");
      }
      summary.focus();
    }
  }

  function init() {
    var parts = [initReadAloud, initCopy, initConfirm, initShowPassword, initFocus];
    for (var i = 0; i < parts.length; i++) {
      try {
        parts[i]();
      } catch (e) {
        // An enhancement that fails must never break the page.
        if (window.console && console.warn) {
          console.warn("wattelt:", e);
        }
      }
    }
  }

  if (doc.readyState === "loading") {
    doc.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
