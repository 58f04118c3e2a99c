import type { QueryAttribute, SearchAttributeType } from '../../src/index.js';

/** The custom attributes the query tests register for their namespace. */
export const CUSTOM_ATTRIBUTES: ReadonlyMap<string, SearchAttributeType> = new Map<string, SearchAttributeType>([
  ['CustomKeyword', 'Keyword'],
  ['CustomText', 'Text'],
  ['CustomInt', 'Int'],
  ['CustomDouble', 'Double'],
  ['CustomBool', 'Bool'],
  ['CustomDatetime', 'Datetime'],
  ['CustomKeywordList', 'KeywordList'],
  ['Custom Name', 'Keyword'],
  ['Odd`Name', 'Int'],
  ['Order', 'Keyword'],
  ['Größe', 'Double'],
]);

export function system(name: string, type: SearchAttributeType): QueryAttribute {
  return { name, type, system: true };
}

export function custom(name: string): QueryAttribute {
  const type = CUSTOM_ATTRIBUTES.get(name);
  if (type === undefined) throw new Error(`test setup: ${name} is not a test custom attribute`);
  return { name, type, system: false };
}
