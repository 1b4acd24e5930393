// Keyboard flow of 抜き取り確認. Without this file the page still works: tick 誤り, type the right
// value, press 記録する. With it: Enter = 正しい and on to the next value, F2 = 誤り (type the value
// on the page, Enter checks it with the field type's validator), Esc = undo; after the last
// value the verdict is sent.
(() => {
  "use strict";
  const form = document.getElementById("sampling-form");
  if (!form) return;
  form.classList.add("js-on");
  const itemId = form.dataset.item;
  const csrf = form.dataset.csrf;
  const cards = Array.from(form.querySelectorAll(".sp-card"));
  const parts = (card) => ({
    input: card.querySelector(".sp-input"),
    flag: card.querySelector(".sp-wrong"),
    msg: card.querySelector(".rv-msg"),
    keyed: card.querySelector(".sp-value").textContent,
  });
  let index = 0;
  let busy = false;

  cards.forEach((card) => {
    const p = parts(card);
    p.input.dataset.keyed = p.input.defaultValue;
    if (p.flag.checked) {
      card.classList.add("is-editing");
    } else {
      p.input.readOnly = true;
      p.input.tabIndex = -1;
    }
  });

  function zone(name, on) {
    const z = document.querySelector(`.zone[data-field="${CSS.escape(name)}"]`);
    if (z) z.classList.toggle("active", on);
  }

  function focusCard(i) {
    cards.forEach((c, j) => {
      c.classList.toggle("active", j === i);
      zone(c.dataset.field, j === i);
    });
    index = i;
    const card = cards[i];
    const p = parts(card);
    if (card.classList.contains("is-editing")) {
      p.input.focus();
      p.input.select();
    } else {
      card.focus();
    }
  }

  function advance() {
    const next = cards.findIndex((c) => !c.classList.contains("is-ok") && !c.classList.contains("is-wrong"));
    if (next === -1) {
      form.requestSubmit();
    } else {
      focusCard(next);
    }
  }

  function markOk(card) {
    const p = parts(card);
    p.flag.checked = false;
    p.input.value = p.input.dataset.keyed;
    p.input.readOnly = true;
    card.classList.remove("is-wrong", "is-editing", "has-error");
    card.classList.add("is-ok");
    p.msg.textContent = "正しい";
    p.msg.className = "rv-msg ok";
  }

  function startEdit(card) {
    const p = parts(card);
    p.flag.checked = true;
    p.input.readOnly = false;
    p.input.tabIndex = 0;
    card.classList.remove("is-ok", "is-wrong");
    card.classList.add("is-editing");
    p.msg.textContent = "原本の正しい値を入力して Enter（Esc で取り消し）";
    p.msg.className = "rv-msg";
    p.input.focus();
    p.input.select();
  }

  function cancelEdit(card) {
    const p = parts(card);
    p.flag.checked = false;
    p.input.value = p.input.dataset.keyed;
    p.input.readOnly = true;
    card.classList.remove("is-editing", "is-wrong", "has-error");
    p.msg.textContent = "";
    card.focus();
  }

  async function confirmEdit(card) {
    if (busy) return;
    const p = parts(card);
    if (p.input.value === p.input.dataset.keyed) {
      p.msg.textContent = "入力済みの値と同じです。正しい場合は Esc で取り消して Enter を押してください";
      p.msg.className = "rv-msg error";
      return;
    }
    busy = true;
    try {
      const res = await fetch(`/api/items/${itemId}/check`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify({ field: card.dataset.field, value: p.input.value }),
        credentials: "same-origin",
      });
      const r = await res.json();
      if (r.ok) {
        card.classList.remove("is-editing", "has-error");
        card.classList.add("is-wrong");
        p.input.readOnly = true;
        p.msg.textContent = `誤り: 「${r.value || p.input.value}」に訂正します`;
        p.msg.className = "rv-msg error";
        advance();
      } else {
        card.classList.add("has-error");
        p.msg.textContent = r.reason || "値が正しくありません";
        p.msg.className = "rv-msg error";
        p.input.select();
      }
    } catch (err) {
      p.msg.textContent = "確認できませんでした。もう一度 Enter を押してください";
      p.msg.className = "rv-msg error";
    } finally {
      busy = false;
    }
  }

  document.addEventListener("keydown", (e) => {
    if (e.isComposing || e.keyCode === 229) return; // an Enter that confirms an IME conversion
    const card = cards[index];
    if (!card) return;
    const editing = card.classList.contains("is-editing");
    if (e.key === "Enter") {
      e.preventDefault();
      if (editing) {
        confirmEdit(card);
      } else {
        markOk(card);
        advance();
      }
    } else if (e.key === "F2") {
      e.preventDefault();
      startEdit(card);
    } else if (e.key === "Escape" && editing) {
      e.preventDefault();
      cancelEdit(card);
    }
  });
  cards.forEach((card, i) => card.addEventListener("click", () => focusCard(i)));
  if (cards.length) focusCard(0);
})();
