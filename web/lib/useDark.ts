"use client";
// Whether the page is dark now (the player's choice, else the system's), for widgets such as
// the editor that take a theme rather than reading CSS variables.
import { useSyncExternalStore } from "react";

function isDark(): boolean {
  const chosen = document.documentElement.dataset.theme;
  if (chosen) return chosen === "dark";
  return window.matchMedia("(prefers-color-scheme: dark)").matches;
}

function subscribe(onChange: () => void): () => void {
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
  const media = window.matchMedia("(prefers-color-scheme: dark)");
  media.addEventListener("change", onChange);
  return () => {
    observer.disconnect();
    media.removeEventListener("change", onChange);
  };
}

export function useDark(): boolean {
  return useSyncExternalStore(subscribe, isDark, () => false);
}
