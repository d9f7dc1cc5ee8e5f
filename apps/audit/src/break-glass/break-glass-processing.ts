/** The processing activity of reviewing break-the-glass accesses (register of processing activities). */
export const BREAK_GLASS_REVIEW_PROCESSING = {
  activity: 'toetsing-doorbraaktoegang',
  purpose: 'Toezicht: toetsen of toegang buiten de eigen gemeente (break-the-glass) gerechtvaardigd was',
  legalBasis: 'AVG art. 5(2), 24 en 32 (verantwoordingsplicht, passende beveiliging)',
} as const;
