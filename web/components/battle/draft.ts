// The draft is kept in localStorage per battle and language, so a reload (or a dropped
// connection) never loses code.
export function draftKey(battleId: string, language: string) {
  return `joust.draft.${battleId}.${language}`;
}
