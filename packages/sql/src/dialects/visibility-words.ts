/**
 * What a word is for Text search attributes, on every database: a run of Unicode letters,
 * combining marks and digits, lower-cased. The store splits text and queries with this itself,
 * so the databases' full-text indexes only store and look up these words.
 */
export function words(text: string): string[] {
  return text.toLocaleLowerCase('und').match(/[\p{L}\p{M}\p{N}]+/gu) ?? [];
}
