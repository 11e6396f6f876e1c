// The page's keyboard focus order, for the dialogs' focus trap and for
// moving on from the editor when something else has taken Tab.

export const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

// focusNext moves the keyboard focus to the control after (or before) the
// element, in the page's Tab order, skipping what is inside it.
export function focusNext(from: HTMLElement, backwards: boolean): void {
  const all = [...document.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => !from.contains(el) && el.offsetParent !== null);
  const after = all.filter((el) => from.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING);
  const before = all.filter((el) => from.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_PRECEDING);
  (backwards ? before[before.length - 1] : after[0])?.focus();
}
