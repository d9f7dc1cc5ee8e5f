/** `text` as a LIKE pattern matching itself literally (`_` and `%` escaped with the default escape `\`). */
export function likePrefix(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
