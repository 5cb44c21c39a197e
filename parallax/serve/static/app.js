// Parallax review workspace: show the details of a clicked span; scroll each source to the
// event's sentences. Served as a file: the pages carry no inline script.
"use strict";

function showItems(mark) {
  const ids = (mark.getAttribute("data-items") || "").split(" ").filter(Boolean);
  document.querySelectorAll(".detail").forEach((el) => { el.hidden = true; });
  let panel = null;
  ids.forEach((id) => {
    const el = document.getElementById(id);
    if (el) {
      el.hidden = false;
      panel = el.closest(".side-details") || panel;
    }
  });
  document.querySelectorAll(".side-details").forEach((el) => el.classList.remove("open"));
  if (panel) {
    panel.classList.add("open");
  }
  document.querySelectorAll("mark.selected").forEach((el) => el.classList.remove("selected"));
  mark.classList.add("selected");
}

document.addEventListener("click", (event) => {
  const mark = event.target.closest("mark[data-items]");
  if (mark) {
    showItems(mark);
  } else if (event.target.closest(".close-details")) {
    document.querySelectorAll(".side-details").forEach((el) => el.classList.remove("open"));
  }
});

document.addEventListener("keydown", (event) => {
  const mark = event.target.closest ? event.target.closest("mark[data-items]") : null;
  if (mark && (event.key === "Enter" || event.key === " ")) {
    event.preventDefault();
    showItems(mark);
  } else if (event.key === "Escape") {
    document.querySelectorAll(".side-details").forEach((el) => el.classList.remove("open"));
  }
});

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".source .text").forEach((box) => {
    const first = box.querySelector(".k-sentence");
    if (first) {
      box.scrollTop = Math.max(0, first.offsetTop - box.offsetTop - 40);
    }
  });
  // a span linked to from another page (?at=START-END): scroll to it; an item's
  // details open when the address names it (#d3-figure-12-40)
  const marked = document.querySelector(".reader mark.k-sentence");
  if (marked) {
    const id = decodeURIComponent(window.location.hash.slice(1));
    const item = id ? document.querySelector(`.reader mark[data-items~="${CSS.escape(id)}"]`) : null;
    if (item) {
      showItems(item);
    }
    marked.classList.add("linked");
    marked.scrollIntoView({ block: "center" });
  }
  document.querySelectorAll(".side-details").forEach((panel) => {
    const close = document.createElement("button");
    close.type = "button";
    close.className = "close-details";
    close.textContent = "Close";
    panel.prepend(close);
  });
});
