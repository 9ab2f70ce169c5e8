// The editor's colours come from the page's CSS variables (app/globals.css), so one theme
// follows light and dark, and every token keeps a contrast of at least 4.5:1 on its background.
import { HighlightStyle, syntaxHighlighting } from "@codemirror/language";
import { EditorView } from "@codemirror/view";
import { tags as t } from "@lezer/highlight";

const base = (dark: boolean) =>
  EditorView.theme(
    {
      "&": { backgroundColor: "var(--panel)", color: "var(--text)" },
      ".cm-content": { caretColor: "var(--text)" },
      ".cm-cursor, .cm-dropCursor": { borderLeftColor: "var(--text)" },
      ".cm-gutters": { backgroundColor: "var(--bg)", color: "var(--muted)", border: "none" },
      ".cm-activeLine, .cm-activeLineGutter": { backgroundColor: "var(--active-line)" },
      "&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection": {
        backgroundColor: "var(--selection)",
      },
    },
    { dark },
  );

const highlight = syntaxHighlighting(
  HighlightStyle.define([
    { tag: [t.keyword, t.controlKeyword, t.definitionKeyword, t.moduleKeyword], color: "var(--code-keyword)" },
    { tag: [t.string, t.special(t.string), t.character], color: "var(--code-string)" },
    { tag: [t.number, t.bool, t.null, t.atom], color: "var(--code-number)" },
    { tag: [t.comment, t.lineComment, t.blockComment], color: "var(--code-comment)", fontStyle: "italic" },
    { tag: [t.function(t.variableName), t.function(t.propertyName)], color: "var(--code-function)" },
    { tag: [t.typeName, t.className, t.standard(t.variableName)], color: "var(--code-type)" },
    { tag: [t.operator, t.punctuation, t.bracket], color: "var(--text)" },
  ]),
);

export const lightTheme = [base(false), highlight];
export const darkTheme = [base(true), highlight];
