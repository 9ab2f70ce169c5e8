"use client";
// Switches between light and dark; the choice is kept, and the layout applies it before paint.
export default function ThemeToggle() {
  const toggle = () => {
    const root = document.documentElement;
    const dark =
      root.dataset.theme === "dark" ||
      (!root.dataset.theme && window.matchMedia("(prefers-color-scheme: dark)").matches);
    const theme = dark ? "light" : "dark";
    root.dataset.theme = theme;
    window.localStorage.setItem("joust.theme", theme);
  };
  return (
    <button className="secondary" onClick={toggle} aria-label="Switch between light and dark theme">
      Theme
    </button>
  );
}
