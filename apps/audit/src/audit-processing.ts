/** Processing activities of the audit app (register of processing activities), recorded in the processing log. */
export const AUDIT_PROCESSING = {
  verify: {
    activity: 'ledger-verificatie',
    purpose: 'Verantwoording: aantonen dat het gebeurtenissenlogboek niet is gewijzigd',
  },
  export: {
    activity: 'audit-export',
    purpose: 'Verantwoording en toezicht: volledige geschiedenis van een melding of zaak voor onafhankelijke controle',
  },
  reconstruct: {
    activity: 'audit-reconstructie',
    purpose: 'Verantwoording: de stand en besluiten van een zaak op een moment in het verleden reconstrueren',
  },
  replay: {
    activity: 'audit-herbouw-leesmodel',
    purpose: 'Verantwoording: aantonen dat een leesmodel precies volgt uit het gebeurtenissenlogboek',
  },
  processingLog: {
    activity: 'inzage-verwerkingenlog',
    purpose: 'Toezicht: nagaan wie wiens persoonsgegevens verwerkte, waarom en wanneer',
  },
  legalBasis: 'AVG art. 5(2) en 30 (verantwoordingsplicht); AVG art. 6(1)(c)',
} as const;
