// Suggestions as one types, from /search.json on this server. Results are inserted as text,
// never as markup. Arrow keys move, Enter opens, Escape closes.
(function () {
  "use strict";
  const input = document.getElementById("q");
  const list = document.getElementById("q-suggestions");
  if (!input || !list) return;
  let items = [];
  let active = -1;
  let pending = 0;

  function close() {
    list.hidden = true;
    list.replaceChildren();
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    items = [];
    active = -1;
  }

  function mark(index) {
    active = index;
    Array.from(list.children).forEach((li, i) => li.setAttribute("aria-selected", String(i === index)));
    if (index >= 0) input.setAttribute("aria-activedescendant", "q-option-" + index);
  }

  function show(results) {
    list.replaceChildren();
    items = results;
    results.forEach((r, i) => {
      const li = document.createElement("li");
      li.id = "q-option-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      const name = document.createElement("span");
      name.textContent = r.label;
      const kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = " " + r.kind_title + " " + r.code;
      li.append(name, kind);
      li.addEventListener("mousedown", (event) => { event.preventDefault(); window.location.href = r.url; });
      list.appendChild(li);
    });
    list.hidden = results.length === 0;
    input.setAttribute("aria-expanded", String(results.length > 0));
    active = -1;
  }

  input.addEventListener("input", () => {
    const text = input.value.trim();
    if (!text) { close(); return; }
    const ticket = ++pending;
    fetch("/search.json?q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
      .then((response) => response.ok ? response.json() : [])
      .then((results) => { if (ticket === pending) show(results); })
      .catch(() => close());
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" && items.length) { event.preventDefault(); mark((active + 1) % items.length); }
    else if (event.key === "ArrowUp" && items.length) { event.preventDefault(); mark((active - 1 + items.length) % items.length); }
    else if (event.key === "Escape" && !list.hidden) { event.preventDefault(); close(); }
    else if (event.key === "Enter" && active >= 0) { event.preventDefault(); window.location.href = items[active].url; }
  });
  input.addEventListener("blur", () => setTimeout(close, 150));
})();
