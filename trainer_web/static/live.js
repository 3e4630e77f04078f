// The instructor's live class view: one card per trainee, refreshed every three seconds.
"use strict";

(function () {
  const root = document.getElementById("live");
  if (!root) return;

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  function card(t) {
    const c = el("article", `card trainee-card state-${t.state.replace(/ /g, "-")}`);
    c.append(el("h2", null, t.trainee), el("p", "muted", t.username));
    const st = el("p");
    st.append(el("span", `pill ${t.state}`, t.state));
    if (t.now_min !== undefined) st.append(` minute ${Math.round(t.now_min)} of ${Math.round(t.duration_min)}`);
    c.append(st);
    if (t.exercise) {
      const dl = el("dl", "gauges");
      const add = (k, v) => {
        const d = el("div");
        d.append(el("dt", null, k), el("dd", null, v === null || v === undefined ? "–" : String(v)));
        dl.append(d);
      };
      add("Replies", t.replies);
      add("Mean score", t.mean_score);
      add("Inbox", t.inbox);
      add("Storm", t.trend);
      c.append(dl);
      const a = el("a", null, "Transcript");
      a.href = t.transcript;
      c.append(a);
    }
    return c;
  }

  async function refresh() {
    try {
      const r = await fetch(root.dataset.url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!r.ok) return;
      const data = await r.json();
      root.replaceChildren(...data.trainees.map(card));
    } catch (e) {
      /* keep the last view; try again */
    }
  }

  refresh();
  setInterval(refresh, 3000);
})();
