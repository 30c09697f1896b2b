/**
 * Every text of every mail, and of the broker's review page, per language. English defines the
 * keys; German must have them all.
 */
import { FIELD_LABELS, SALUTATION_LABELS } from '@tour-gate/shared';
import type { LogKind, MailKind, RegistrationStatus } from '../store/schema.ts';

const en = {
  greeting: (name: string) => (name ? `Hello ${name},` : 'Hello,'),
  brokerGreeting: (name: string) => `Hello ${name},`,
  signoff: 'Kind regards',
  contactHeading: 'Your contact',
  automatedNote: 'This message was sent automatically by tour-gate on behalf of your broker.',
  brokerAutomatedNote: 'This message was sent automatically by tour-gate for your tours.',
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
  /** Labels of the standard fields (custom fields bring their own). */
  fields: FIELD_LABELS.en as Record<string, string>,
  salutations: SALUTATION_LABELS.en as Record<string, string>,
  yes: 'yes',
  no: 'no',
  consentLabel: 'Privacy consent',
  consentValue: (at: string, version: string) => `given ${at} (text version ${version})`,
  marketingLabel: 'Marketing consent',
  reviewRequest: {
    subject: (title: string) => `Access request for the tour "${title}"`,
    intro: (title: string) =>
      `a visitor asks for access to the protected viewpoints of "${title}". Please check the request and grant or deny it.`,
    dataHeading: "The visitor's details",
    requestedAt: 'Request received',
    button: 'Review the request',
    linkFallback: 'If the button does not work, copy this address into your browser:',
    validity: (until: string) =>
      `This review link is valid until ${until}. Opening it changes nothing: only the buttons on the page grant or deny.`,
    replyHint: 'A reply to this mail goes to the visitor.',
  },
  confirmation: {
    subject: (title: string) => `Your request for the virtual tour: ${title}`,
    intro: (title: string, broker: string) =>
      `thank you for your interest in "${title}". ${broker} will check your request. As soon as it is granted, you will get an email with a link that unlocks the complete tour.`,
    spamHint: 'Please look in your spam folder too if the mail does not arrive.',
    notYou: 'If you did not send this request, you can ignore this message.',
  },
  deny: {
    subject: (title: string) => `Your request for the virtual tour: ${title}`,
    text: (title: string) =>
      `thank you for your interest in "${title}". Unfortunately we cannot give you access to the complete virtual tour at this time. If you have any questions, please feel free to contact us directly.`,
  },
  brokerNotification: {
    subjectRegistered: (title: string) => `New lead for the tour "${title}"`,
    subjectOpened: (title: string) => `A visitor opened the tour "${title}"`,
    introRegistered: (title: string) =>
      `a visitor has registered for "${title}" and has been sent the unlock link by email.`,
    introOpened: (title: string, at: string) =>
      `a visitor opened the unlock link for "${title}" for the first time (${at}).`,
    replyHint: 'A reply to this mail goes to the visitor.',
  },
  /** The broker's sign-in mail for the dashboard. */
  login: {
    subject: 'Your sign-in link for tour-gate',
    intro: (name: string) =>
      `Hello ${name},\n\nwith the link below you can sign in to the statistics of your virtual tours. It is valid for 15 minutes and works once.`,
    button: 'Sign in',
    notYou: 'If you did not ask for this link, you can ignore this message.',
  },
  reviewPage: {
    title: (tour: string) => `Access request · ${tour}`,
    heading: 'Access request',
    tour: 'Tour',
    requestedAt: 'Request received',
    updatedAt: 'Last sent',
    visitor: 'Visitor',
    status: 'Status',
    statuses: {
      released: 'Released by email',
      pending: 'Waiting for your decision',
      granted: 'Access granted',
      denied: 'Access denied',
      revoked: 'Access revoked',
    } satisfies Record<RegistrationStatus, string>,
    decidedBy: (who: string, when: string) => `by ${who}, ${when}`,
    decideHeading: 'Your decision',
    grant: 'Grant access',
    grantHint: 'The visitor gets an email with the unlock link.',
    deny: 'Deny',
    denyHint: 'The visitor gets a polite notice by email.',
    revoke: 'Revoke access',
    revokeHint: 'Every access this visitor has to the tour ends at once, on every device.',
    justDecided: {
      granted: 'Done: access granted. The visitor gets the unlock link by email.',
      denied: 'Done: access denied. The visitor gets a polite notice by email.',
      revoked: 'Done: access revoked.',
    },
    alreadyDecided: 'This request was already decided; nothing was changed.',
    logbook: 'Logbook',
    logEmpty: 'No entries.',
    language: 'Language',
    logKinds: {
      registered: 'Registered',
      'registered-again': 'Registered again',
      'mail-queued': 'Mail queued',
      'mail-sent': 'Mail sent',
      'mail-retry': 'Mail delayed, will retry',
      'mail-failed': 'Mail could not be delivered',
      'mail-refused': 'Mail refused by the receiving mail server (undeliverable)',
      'link-redeemed': 'Unlock link opened',
      'link-requested': 'New link requested',
      granted: 'Access granted',
      denied: 'Access denied',
      revoked: 'Access revoked',
      'broker-notified': 'Broker notified',
    } satisfies Record<LogKind, string>,
    mailKinds: {
      unlock: 'unlock link',
      deny: 'notice of denial',
      'review-request': 'review request',
      confirmation: 'confirmation of the request',
      'broker-notification': 'notification to the broker',
      login: 'login link',
    } satisfies Record<MailKind, string>,
    errors: {
      invalidTitle: 'This link does not work',
      invalidText: 'It may be incomplete, or it is not a review link. Please open the link from the mail again.',
      expiredTitle: 'This review link has expired',
      expiredText: (days: number) =>
        `Review links are valid for ${days} days. Nothing was changed. The request is still in your dashboard.`,
      revokedTitle: 'This review link is no longer valid',
      revokedText: 'It was withdrawn. Nothing was changed.',
      nonceTitle: 'This form has expired',
      nonceText: 'Nothing was changed. Please open the review link again and decide on the fresh page.',
      backToRequest: 'Back to the request',
      renewButton: 'Send a new review link',
      renewHint: "It goes to the broker's mail address, not to this browser.",
      renewedTitle: 'A new review link is on its way',
      renewedText:
        "Unless this request already has a valid review link, a new one has been sent to the broker's mail address.",
    },
  },
};

export type MailStrings = typeof en;

const de: MailStrings = {
  greeting: (name: string) => (name ? `Guten Tag ${name},` : 'Guten Tag,'),
  brokerGreeting: (name: string) => `Guten Tag ${name},`,
  signoff: 'Mit freundlichen Grüßen',
  contactHeading: 'Ihr Ansprechpartner',
  automatedNote: 'Diese Nachricht wurde von tour-gate im Auftrag Ihres Maklers automatisch versandt.',
  brokerAutomatedNote: 'Diese Nachricht wurde von tour-gate für Ihre Rundgänge automatisch versandt.',
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
  fields: FIELD_LABELS.de,
  salutations: SALUTATION_LABELS.de,
  yes: 'ja',
  no: 'nein',
  consentLabel: 'Einwilligung Datenschutz',
  consentValue: (at: string, version: string) => `erteilt am ${at} (Textversion ${version})`,
  marketingLabel: 'Einwilligung Werbung',
  reviewRequest: {
    subject: (title: string) => `Zugangsanfrage zum Rundgang „${title}“`,
    intro: (title: string) =>
      `ein Interessent bittet um Zugang zu den geschützten Standpunkten von „${title}“. Bitte prüfen Sie die Anfrage und geben Sie sie frei oder lehnen Sie sie ab.`,
    dataHeading: 'Angaben des Interessenten',
    requestedAt: 'Anfrage eingegangen',
    button: 'Anfrage prüfen',
    linkFallback: 'Falls die Schaltfläche nicht funktioniert, kopieren Sie diese Adresse in Ihren Browser:',
    validity: (until: string) =>
      `Dieser Prüf-Link ist bis zum ${until} gültig. Das Öffnen ändert nichts: Erst die Schaltflächen auf der Seite geben frei oder lehnen ab.`,
    replyHint: 'Eine Antwort auf diese Mail geht an den Interessenten.',
  },
  confirmation: {
    subject: (title: string) => `Ihre Anfrage zum virtuellen Rundgang: ${title}`,
    intro: (title: string, broker: string) =>
      `vielen Dank für Ihr Interesse an „${title}“. ${broker} prüft Ihre Anfrage. Sobald sie freigegeben ist, erhalten Sie eine E-Mail mit einem Link, der den vollständigen Rundgang freischaltet.`,
    spamHint: 'Falls die Mail nicht ankommt, sehen Sie bitte auch im Spam-Ordner nach.',
    notYou: 'Falls Sie diese Anfrage nicht gestellt haben, können Sie diese Nachricht ignorieren.',
  },
  deny: {
    subject: (title: string) => `Ihre Anfrage zum virtuellen Rundgang: ${title}`,
    text: (title: string) =>
      `vielen Dank für Ihr Interesse an „${title}“. Leider können wir Ihnen den Zugang zum vollständigen virtuellen Rundgang derzeit nicht freigeben. Bei Fragen wenden Sie sich gern direkt an uns.`,
  },
  brokerNotification: {
    subjectRegistered: (title: string) => `Neuer Interessent für den Rundgang „${title}“`,
    subjectOpened: (title: string) => `Ein Interessent hat den Rundgang „${title}“ geöffnet`,
    introRegistered: (title: string) =>
      `ein Interessent hat sich für „${title}“ registriert und den Freischalt-Link per E-Mail erhalten.`,
    introOpened: (title: string, at: string) =>
      `ein Interessent hat den Freischalt-Link für „${title}“ zum ersten Mal geöffnet (${at}).`,
    replyHint: 'Eine Antwort auf diese Mail geht an den Interessenten.',
  },
  login: {
    subject: 'Ihr Anmeldelink für tour-gate',
    intro: (name: string) =>
      `Hallo ${name},\n\nmit dem Link unten melden Sie sich bei der Statistik Ihrer virtuellen Rundgänge an. Er ist 15 Minuten lang gültig und kann einmal verwendet werden.`,
    button: 'Anmelden',
    notYou: 'Wenn Sie diesen Link nicht angefordert haben, können Sie diese Nachricht ignorieren.',
  },
  reviewPage: {
    title: (tour: string) => `Zugangsanfrage · ${tour}`,
    heading: 'Zugangsanfrage',
    tour: 'Rundgang',
    requestedAt: 'Anfrage eingegangen',
    updatedAt: 'Zuletzt gesendet',
    visitor: 'Interessent',
    status: 'Status',
    statuses: {
      released: 'Per E-Mail freigegeben',
      pending: 'Wartet auf Ihre Entscheidung',
      granted: 'Zugang freigegeben',
      denied: 'Zugang abgelehnt',
      revoked: 'Zugang widerrufen',
    },
    decidedBy: (who: string, when: string) => `von ${who}, ${when}`,
    decideHeading: 'Ihre Entscheidung',
    grant: 'Zugang freigeben',
    grantHint: 'Der Interessent erhält eine E-Mail mit dem Freischalt-Link.',
    deny: 'Ablehnen',
    denyHint: 'Der Interessent erhält eine höfliche Absage per E-Mail.',
    revoke: 'Zugang widerrufen',
    revokeHint: 'Jeder Zugang dieses Interessenten zum Rundgang endet sofort, auf allen Geräten.',
    justDecided: {
      granted: 'Erledigt: Zugang freigegeben. Der Interessent erhält den Freischalt-Link per E-Mail.',
      denied: 'Erledigt: Zugang abgelehnt. Der Interessent erhält eine höfliche Absage per E-Mail.',
      revoked: 'Erledigt: Zugang widerrufen.',
    },
    alreadyDecided: 'Über diese Anfrage wurde bereits entschieden; es wurde nichts geändert.',
    logbook: 'Logbuch',
    logEmpty: 'Keine Einträge.',
    language: 'Sprache',
    logKinds: {
      registered: 'Registriert',
      'registered-again': 'Erneut registriert',
      'mail-queued': 'Mail zum Versand bereit',
      'mail-sent': 'Mail versandt',
      'mail-retry': 'Mail verzögert, neuer Versuch folgt',
      'mail-failed': 'Mail nicht zustellbar',
      'mail-refused': 'Mail vom empfangenden Mailserver abgewiesen (unzustellbar)',
      'link-redeemed': 'Freischalt-Link geöffnet',
      'link-requested': 'Neuer Link angefordert',
      granted: 'Zugang freigegeben',
      denied: 'Zugang abgelehnt',
      revoked: 'Zugang widerrufen',
      'broker-notified': 'Makler benachrichtigt',
    },
    mailKinds: {
      unlock: 'Freischalt-Link',
      deny: 'Absage',
      'review-request': 'Prüfanfrage',
      confirmation: 'Eingangsbestätigung',
      'broker-notification': 'Benachrichtigung an den Makler',
      login: 'Anmelde-Link',
    },
    errors: {
      invalidTitle: 'Dieser Link funktioniert nicht',
      invalidText:
        'Er ist vielleicht unvollständig, oder es ist kein Prüf-Link. Bitte öffnen Sie den Link aus der Mail noch einmal.',
      expiredTitle: 'Dieser Prüf-Link ist abgelaufen',
      expiredText: (days: number) =>
        `Prüf-Links gelten ${days} Tage. Es wurde nichts geändert. Die Anfrage finden Sie weiterhin in Ihrem Dashboard.`,
      revokedTitle: 'Dieser Prüf-Link gilt nicht mehr',
      revokedText: 'Er wurde zurückgezogen. Es wurde nichts geändert.',
      nonceTitle: 'Dieses Formular ist abgelaufen',
      nonceText:
        'Es wurde nichts geändert. Bitte öffnen Sie den Prüf-Link erneut und entscheiden Sie auf der neu geladenen Seite.',
      backToRequest: 'Zurück zur Anfrage',
      renewButton: 'Neuen Prüf-Link senden',
      renewHint: 'Er geht an die E-Mail-Adresse des Maklers, nicht an diesen Browser.',
      renewedTitle: 'Ein neuer Prüf-Link ist unterwegs',
      renewedText:
        'Sofern diese Anfrage nicht schon einen gültigen Prüf-Link hat, wurde ein neuer an die E-Mail-Adresse des Maklers geschickt.',
    },
  },
};

export const mailStrings = { de, en } as const;
