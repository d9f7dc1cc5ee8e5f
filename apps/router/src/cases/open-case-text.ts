import type { Keyring } from '#platform';

/**
 * A case answer with the free text sealed under the case's key opened (reasons, notes, plan); after erasure
 * that text is null and `personalDataErased` is true. Answers without sealed text cost no key lookup.
 */
export async function openCaseText<T extends object>(keyring: Keyring, view: T): Promise<T & { personalDataErased: boolean }> {
  const { value, erased } = await keyring.reveal(view);
  return { ...value, personalDataErased: erased };
}
