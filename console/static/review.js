// Keyboard flow of the review screen. Without this file the page still works: Enter submits
// the form and the server checks every field; this adds the live check, moving on to the next
// field, F4 for rejecting, the highlighted zone, and the time each field is on screen.
(() => {
  "use strict";
  const form = document.getElementById("review-form");
  if (!form) return;
  const itemId = form.dataset.item;
  const csrf = form.dataset.csrf;
  const viewer = document.querySelector(".viewer");
  const rejectPanel = document.getElementById("reject-panel");
  const rejectReason = document.getElementById("reject-reason");
  // One element per field to check: the text input, or a mark field's ticked (else first) option.
  const reviewInputs = () =>
    Array.from(form.querySelectorAll(".rv-card"))
      .map((card) => card.querySelector(".rv-input, .rv-option:checked") || card.querySelector(".rv-option"))
      .filter(Boolean);
  const isOption = (input) => input.type === "radio" || input.type === "checkbox";
  // A mark field's value as the reader writes it: the ticked keys, comma-joined.
  const valueOf = (input) =>
    isOption(input)
      ? Array.from(document.querySelectorAll(`input[data-field="${CSS.escape(input.dataset.field)}"]:checked`))
          .map((o) => o.value)
          .join(",")
      : input.value;
  const selectText = (input) => {
    if (!isOption(input) && !input.readOnly) input.select();
  };

  // ---- seconds per field: time runs for the field last focused, paused while the tab is hidden
  const spent = {};
  let current = null;
  let since = performance.now();
  function charge(next) {
    const now = performance.now();
    if (current && !document.hidden) spent[current] = (spent[current] || 0) + (now - since) / 1000;
    current = next === undefined ? current : next;
    since = now;
  }
  document.addEventListener("visibilitychange", () => charge());

  // ---- highlight the field's zone on the page and its card
  function activate(name) {
    if (name === current) return;
    charge(name);
    document.querySelectorAll(".zone.active").forEach((z) => z.classList.remove("active"));
    document.querySelectorAll(".rv-card.active").forEach((c) => c.classList.remove("active"));
    const card = document.querySelector(`.rv-card[data-field="${CSS.escape(name)}"]`);
    if (card) card.classList.add("active");
    const zone = document.querySelector(`.zone[data-field="${CSS.escape(name)}"]`);
    if (zone) {
      zone.classList.add("active");
      if (viewer) {
        const z = zone.getBoundingClientRect();
        const v = viewer.getBoundingClientRect();
        if (z.top < v.top + 20 || z.bottom > v.bottom - 20) {
          viewer.scrollTop += z.top - v.top - v.height / 3;
        }
      }
    }
  }

  function setState(input, ok, text) {
    const card = input.closest(".rv-card");
    const msg = card ? card.querySelector(".rv-msg") : null;
    if (card) {
      card.classList.toggle("is-ok", ok === true);
      card.classList.toggle("has-error", ok === false);
    }
    if (msg) {
      msg.textContent = text || "";
      msg.classList.toggle("error", ok === false);
      msg.classList.toggle("ok", ok === true);
    }
  }

  async function check(input) {
    const res = await fetch(`/api/items/${itemId}/check`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify({ field: input.dataset.field, value: valueOf(input) }),
      credentials: "same-origin",
    });
    if (res.status === 401) return { ok: false, reason: "ログインが切れました。画面を開き直してください" };
    if (!res.ok && res.headers.get("content-type")?.indexOf("json") === -1) {
      return { ok: false, reason: "確認できませんでした（" + res.status + "）" };
    }
    return res.json();
  }

  let submitting = false;
  function submitAll() {
    if (submitting) return;
    submitting = true;
    form.requestSubmit();
  }
  form.addEventListener("submit", () => {
    charge(null);
    document.getElementById("timings").value = JSON.stringify(spent);
    submitting = true;
  });

  let busy = false;
  async function acceptField(input) {
    if (busy) return;
    busy = true;
    try {
      const r = await check(input);
      if (r.ok) {
        const shown = r.value && r.value !== valueOf(input) && !isOption(input) ? `「${r.value}」として登録します` : "OK";
        setState(input, true, shown);
        const pending = reviewInputs().find((i) => !i.closest(".rv-card").classList.contains("is-ok"));
        if (pending) {
          pending.focus();
        } else {
          submitAll();
        }
      } else {
        setState(input, false, r.reason || "値が正しくありません");
        selectText(input);
      }
    } catch (err) {
      setState(input, false, "確認できませんでした。もう一度 Enter を押してください");
    } finally {
      busy = false;
    }
  }

  function wire(input) {
    input.addEventListener("focus", () => {
      activate(input.dataset.field);
      selectText(input);
    });
    const changed = () => {
      const card = input.closest(".rv-card");
      if (card && card.classList.contains("is-ok")) setState(input, null, "");
    };
    // A text input fires "change" when it loses focus after an edit: only a ticked box counts as one.
    input.addEventListener(isOption(input) ? "change" : "input", changed);
    input.addEventListener("keydown", (e) => {
      // Enter that confirms an IME conversion (かな→漢字) is not "accept".
      if (e.key !== "Enter" || e.isComposing || e.keyCode === 229) return;
      e.preventDefault();
      if (input.classList.contains("rv-input") || input.classList.contains("rv-option")) {
        acceptField(input);
      } else {
        const pending = reviewInputs().find((i) => !i.closest(".rv-card").classList.contains("is-ok"));
        (pending || document.getElementById("accept-button")).focus();
      }
    });
  }
  form.querySelectorAll(".rv-input, .rv-option").forEach(wire);
  document.querySelectorAll(".other-input").forEach(wire);

  // 修正: make an already-accepted field editable (it is then checked on submit like the others).
  document.querySelectorAll(".js-edit").forEach((btn) => {
    btn.addEventListener("click", () => {
      const options = document.querySelectorAll(`.other-option[data-field="${CSS.escape(btn.dataset.field)}"]`);
      if (options.length) {
        options.forEach((o) => {
          o.disabled = false;
          o.tabIndex = 0;
        });
        const first = Array.from(options).find((o) => o.type !== "hidden");
        if (first) first.focus();
        return;
      }
      const input = document.querySelector(`.other-input[data-field="${CSS.escape(btn.dataset.field)}"]`);
      if (!input) return;
      input.readOnly = false;
      input.tabIndex = 0;
      input.focus();
      input.select();
    });
  });

  // F4: reject with a reason; Esc closes the panel and returns to the field.
  document.addEventListener("keydown", (e) => {
    if (e.key === "F4") {
      e.preventDefault();
      rejectPanel.open = true;
      rejectReason.focus();
    } else if (e.key === "Escape" && rejectPanel.open) {
      e.preventDefault();
      rejectPanel.open = false;
      const back = document.querySelector(`.rv-input[data-field="${CSS.escape(current || "")}"]`) || reviewInputs()[0];
      if (back) back.focus();
    }
  });

  const first = document.activeElement && (document.activeElement.classList.contains("rv-input") || document.activeElement.classList.contains("rv-option"))
    ? document.activeElement
    : reviewInputs()[0];
  if (first) {
    current = null;
    first.focus();
    activate(first.dataset.field);
  }
})();
