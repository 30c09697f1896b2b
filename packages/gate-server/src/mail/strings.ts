/**
 * Every text of every mail, per language. English defines the keys; German must have them all.
 */
export const en = {
  greeting: (name: string) => (name ? `Hello ${name},` : 'Hello,'),
  brokerGreeting: (name: string) => `Hello ${name},`,
  signoff: 'Kind regards',
  contactHeading: 'Your contact',
  automatedNote: 'This message was sent automatically by tour-gate on behalf of your broker.',
  unlock: {
    subject: (title: string) => `Your access to the virtual tour: ${title}`,
    intro: (title: string) =>
      `thank you for your interest in "${title}". With the button below you can open the complete virtual tour, including all protected viewpoints.`,
    button: 'Open the tour',
    linkFallback: 'If the button does not work, copy this address into your browser:',
    validity: (until: string) =>
      `For your security this link is valid until ${until}. It works on every device you open it on. If it has expired, you can ask for a new link on the page it leads to.`,
    notYou: 'If you did not register for this tour, you can ignore this message.',
  },
};

export type MailStrings = typeof en;

export const de: MailStrings = {
  greeting: (name: string) => (name ? `Guten Tag ${name},` : 'Guten Tag,'),
  brokerGreeting: (name: string) => `Guten Tag ${name},`,
  signoff: 'Mit freundlichen Grüßen',
  contactHeading: 'Ihr Ansprechpartner',
  automatedNote: 'Diese Nachricht wurde von tour-gate im Auftrag Ihres Maklers automatisch versandt.',
  unlock: {
    subject: (title: string) => `Ihr Zugang zum virtuellen Rundgang: ${title}`,
    intro: (title: string) =>
      `vielen Dank für Ihr Interesse an „${title}“. Mit der Schaltfläche unten öffnen Sie den vollständigen virtuellen Rundgang mit allen geschützten Standpunkten.`,
    button: 'Rundgang öffnen',
    linkFallback: 'Falls die Schaltfläche nicht funktioniert, kopieren Sie diese Adresse in Ihren Browser:',
    validity: (until: string) =>
      `Dieser Link ist aus Sicherheitsgründen bis zum ${until} gültig. Er funktioniert auf jedem Gerät, auf dem Sie ihn öffnen. Ist er abgelaufen, können Sie auf der Seite, zu der er führt, einen neuen Link anfordern.`,
    notYou: 'Falls Sie sich nicht für diesen Rundgang registriert haben, können Sie diese Nachricht ignorieren.',
  },
};

export const mailStrings = { de, en } as const;
