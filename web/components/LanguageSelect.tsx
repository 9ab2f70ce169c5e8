import type { CSSProperties } from "react";
import { LANGUAGES } from "@/lib/languages";

/** The labelled choice of a battle language, used where a player picks one. */
export default function LanguageSelect({
  value,
  onChange,
  disabled,
  className,
  style,
}: {
  value: string;
  onChange: (language: string) => void;
  disabled?: boolean;
  className?: string;
  style?: CSSProperties;
}) {
  return (
    <label className={className} style={style}>
      Language
      <select value={value} onChange={(e) => onChange(e.target.value)} disabled={disabled}>
        {LANGUAGES.map((l) => (
          <option key={l.id} value={l.id}>
            {l.label}
          </option>
        ))}
      </select>
    </label>
  );
}
