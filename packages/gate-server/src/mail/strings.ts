/**
 * Every text of every mail, and of the broker's review page, per language. English defines the
 * keys; German must have them all. The words for states and actions come from the shared
 * glossary (`GLOSSARY`), so a mail, the review page and the dashboard say the same thing.
 *
 * Texts that a mail shows next to a button exist twice: `…Html` names the button, `…Text` is
 * written for the plain-text part, where the link itself follows.
 */
import { FIELD_LABELS, GLOSSARY, SALUTATION_LABELS } from '@tour-gate/shared';
import type { LogKind, MailKind, RegistrationStatus } from '../store/schema.ts';

const ge = GLOSSARY.en;
const gd = GLOSSARY.de;

/** How a mail grants access: email release, the broker's grant, a grant after a denial, or again after a revocation. */
export type UnlockOccasion = 'released' | 'granted' | 'granted-after-deny' | 'granted-again';

const en = {
  /** "Hello Ms Mustermann," — `name` is already the salutation and name (see `salutation.ts`). */
  greeting: (name: string) => (name ? `Hello ${name},` : 'Hello,'),
  signoff: 'Kind regards',
  /** The heading of the broker's contact block; by the contact's salutation where known. */
  contactHeading: (_salutation: string | undefined) => 'Your contact',
  automatedNote: (broker: string) => `This message was sent automatically by tour-gate on behalf of ${broker}.`,
  brokerAutomatedNote: 'This message was sent automatically by tour-gate for your tours.',
  dashboardLinkHtml: 'Open this lead in your dashboard',
  dashboardLinkText: 'This lead in your dashboard:',
  unlock: {
    subject: {
      released: (title: string) => `Your access to the virtual tour: ${title}`,
      granted: (title: string) => `Your request has been granted: ${title}`,
      'granted-after-deny': (title: string) => `Your request has been granted: ${title}`,
      'granted-again': (title: string) => `Your access has been granted again: ${title}`,
    } satisfies Record<UnlockOccasion, (title: string) => string>,
    intro: {
      released: (title: string, _broker: string) => `Thank you for your interest in "${title}".`,
      granted: (title: string, broker: string) =>
        `Good news: ${broker} has granted your request for the virtual tour "${title}".`,
      'granted-after-deny': (title: string, broker: string) =>
        `${broker} has looked at your request for the virtual tour "${title}" once more and has granted it after all.`,
      'granted-again': (title: string, broker: string) =>
        `${broker} has granted your access to the virtual tour "${title}" again.`,
    } satisfies Record<UnlockOccasion, (title: string, broker: string) => string>,
    openHtml: 'With the button below you can open the complete tour, including all protected viewpoints.',
    openText: 'This link opens the complete tour, including all protected viewpoints:',
    button: 'Open the tour',
    linkFallback: 'If the button does not work, copy this address into your browser:',
    validity: (until: string) =>
      `For your security the link is valid until ${until}. It works on each of your devices. Once it has expired, you can ask for a new link on the tour's page.`,
    notYou: 'If you did not expect this email, you can ignore it.',
  },
  /** Labels of the standard fields (custom fields bring their own). */
  fields: FIELD_LABELS.en as Record<string, string>,
  salutations: SALUTATION_LABELS.en as Record<string, string>,
  yes: 'yes',
  no: 'no',
  consentLabel: 'Privacy consent',
  consentValue: (at: string, version: string) => `given on ${at} (text version ${version})`,
  marketingLabel: 'Marketing consent',
  viewpointLabel: 'Viewpoint asked for',
  reviewRequest: {
    subject: (title: string) => `Access request for the tour "${title}"`,
    intro: (visitor: string, title: string, room: string | undefined) =>
      `${visitor} asks for access to the tour "${title}"${room ? ` and wanted to see the viewpoint "${room}"` : ''}. Please check the request and grant or deny it.`,
    dataHeading: "The visitor's details",
    requestedAt: 'Request received',
    button: 'Review the request',
    linkText: 'Review and decide on the request:',
    linkFallback: 'If the button does not work, copy this address into your browser:',
    validity: (until: string) =>
      `The review link is valid until ${until}. Opening it changes nothing: only your decision on the page grants or denies access.`,
    replyHint: (visitor: string) => `A reply to this email goes to ${visitor}.`,
  },
  confirmation: {
    subject: (title: string) => `Your request for the virtual tour: ${title}`,
    intro: (title: string, broker: string) =>
      `Thank you for your interest in "${title}". ${broker} will check your request. As soon as it is granted, you will get an email with a link that opens the complete tour.`,
    spamHint: 'If the email with the link does not arrive, please look in your spam folder too.',
    notYou: 'If you did not send this request, you can ignore this email.',
  },
  deny: {
    subject: (title: string) => `Your request for the virtual tour: ${title}`,
    text: (title: string) =>
      `Thank you for your interest in "${title}". Unfortunately we cannot give you access to the complete virtual tour at this time. If you have any questions, please feel free to contact us directly.`,
  },
  brokerNotification: {
    subjectRegistered: (title: string) => `New lead for the tour "${title}"`,
    introRegistered: (visitor: string, title: string, room: string | undefined) =>
      `${visitor} has registered for the tour "${title}"${room ? ` to see the viewpoint "${room}"` : ''} and has received the unlock link by email.`,
    replyHint: (visitor: string) => `A reply to this email goes to ${visitor}.`,
  },
  /** The daily digest: who opened their unlock link the day before. */
  digest: {
    subject: (day: string) => `Your daily summary for ${day}`,
    intro: (day: string, n: number) =>
      n === 1
        ? `On ${day}, one visitor opened their unlock link for the first time.`
        : `On ${day}, ${n} visitors opened their unlock link for the first time.`,
    tourHeading: (title: string) => `Tour "${title}"`,
    line: (time: string, visitor: string, room: string | undefined) =>
      `${time}: ${visitor}${room ? `, viewpoint "${room}"` : ''}`,
    why: 'You receive this summary once a day if visitors opened their unlock link the day before.',
  },
  /** The broker's sign-in mail for the dashboard. */
  login: {
    subject: 'Your sign-in link for tour-gate',
    introHtml: 'With the button below you can sign in to the statistics of your virtual tours.',
    introText: 'With the following link you can sign in to the statistics of your virtual tours:',
    validity: 'The link is valid for 15 minutes and can be used once.',
    button: 'Sign in',
    notYou: 'If you did not ask for this link, you can ignore this email.',
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
      released: ge.status.released.label,
      pending: ge.status.pending.label,
      granted: ge.status.granted.label,
      denied: ge.status.denied.label,
      revoked: ge.status.revoked.label,
    } satisfies Record<RegistrationStatus, string>,
    decidedBy: (who: string, when: string) => `by ${who}, ${when}`,
    decideHeading: 'Your decision',
    grant: ge.action.grant,
    grantHint: (visitor: string) => `${visitor} gets an email with the unlock link.`,
    deny: ge.action.deny,
    denyHint: (visitor: string) => `${visitor} gets a polite notice by email. You can still grant access later.`,
    revoke: ge.action.revoke,
    revokeHint: 'Access ends at once, on every device. You can grant it again later.',
    grantAfterDeny: ge.action.grantAfterDeny,
    grantAfterDenyHint: (visitor: string) =>
      `${visitor} gets an email saying that the request has been granted after all, with the unlock link.`,
    grantAgain: ge.action.grantAgain,
    grantAgainHint: (visitor: string) => `${visitor} gets an email with a new unlock link.`,
    confirm: {
      denyHeading: (visitor: string) => `Deny the request from ${visitor}?`,
      denyText: (visitor: string) =>
        `${visitor} gets a polite notice by email. You can still grant access later; then ${visitor} gets the unlock link.`,
      denyButton: 'Yes, deny',
      revokeHeading: (visitor: string) => `Revoke access for ${visitor}?`,
      revokeText: (visitor: string) =>
        `Access ends at once, on every device, and the unlock link stops working. ${visitor} is not told by email. You can grant access again later.`,
      revokeButton: 'Yes, revoke access',
      cancel: 'Cancel',
    },
    /** After a decision: what happened, to whom. */
    justDecided: {
      grant: (visitor: string, title: string) =>
        `${visitor} now has access to the tour "${title}" and gets the unlock link by email.`,
      'grant-after-deny': (visitor: string, title: string) =>
        `${visitor} now has access to the tour "${title}" after all and gets the unlock link by email.`,
      'grant-again': (visitor: string, title: string) =>
        `${visitor} has access to the tour "${title}" again and gets a new unlock link by email.`,
      deny: (visitor: string, _title: string) =>
        `The request from ${visitor} is denied. A polite notice is on its way by email.`,
      revoke: (visitor: string, title: string) => `${visitor} no longer has access to the tour "${title}".`,
    },
    alreadyDecided: 'This request was already decided; nothing was changed.',
    logbook: 'Logbook',
    logEmpty: 'No entries.',
    language: 'Language',
    logKinds: {
      registered: ge.status.registered.label,
      'registered-again': 'Registered again',
      'mail-queued': 'Email ready to send',
      'mail-sent': 'Email sent',
      'mail-retry': 'Email delayed, will retry',
      'mail-failed': 'Email could not be delivered',
      'mail-refused': 'Email refused by the receiving mail server (undeliverable)',
      'link-redeemed': 'Unlock link opened',
      'link-requested': 'New link requested',
      granted: 'Access granted',
      denied: 'Request denied',
      revoked: 'Access revoked',
      'broker-notified': 'Broker notified',
      'repeat-requested': 'Asked again after a denial',
      'message-added': 'Message from the visitor',
    } satisfies Record<LogKind, string>,
    /** A grant after a denial or a revocation, in the logbook. */
    grantedAfter: { denied: 'Access granted after all', revoked: 'Access granted again' },
    mailKinds: {
      unlock: 'unlock link',
      deny: 'notice of denial',
      'review-request': 'review request',
      confirmation: 'confirmation of the request',
      'broker-notification': 'notification to the broker',
      login: 'sign-in link',
      digest: 'daily summary',
      'visitor-message': "visitor's message",
      'revoked-notice': 'notice that access was revoked',
    } satisfies Record<MailKind, string>,
    errors: {
      invalidTitle: 'This link does not work',
      invalidText: 'It may be incomplete, or it is not a review link. Please open the link from the email again.',
      expiredTitle: 'This review link has expired',
      expiredText: (days: number) =>
        `Review links are valid for ${days === 1 ? '1 day' : `${new Intl.NumberFormat('en').format(days)} days`}. Nothing was changed. The request is still in your dashboard.`,
      revokedTitle: 'This review link is no longer valid',
      revokedText: 'It was withdrawn. Nothing was changed.',
      nonceTitle: 'This form has expired',
      nonceText: 'Nothing was changed. Please open the review link again and decide on the fresh page.',
      backToRequest: 'Back to the request',
      renewButton: 'Send a new review link',
      renewHint: "It goes to the broker's email address, not to this browser.",
      renewedTitle: 'A new review link is on its way',
      renewedText:
        "Unless this request already has a valid review link, a new one has been sent to the broker's email address.",
    },
  },
};

export type MailStrings = typeof en;

const de: MailStrings = {
  greeting: (name: string) => (name ? `Guten Tag ${name},` : 'Guten Tag,'),
  signoff: 'Mit freundlichen Grüßen',
  contactHeading: (salutation: string | undefined) =>
    salutation === 'ms' ? 'Ihre Ansprechpartnerin' : salutation === 'mr' ? 'Ihr Ansprechpartner' : 'Ihr Kontakt',
  automatedNote: (broker: string) =>
    `Diese Nachricht wurde im Auftrag von ${broker} automatisch von tour-gate versandt.`,
  brokerAutomatedNote: 'Diese Nachricht wurde von tour-gate für Ihre Rundgänge automatisch versandt.',
  dashboardLinkHtml: 'Interessent im Dashboard öffnen',
  dashboardLinkText: 'Dieser Interessent in Ihrem Dashboard:',
  unlock: {
    subject: {
      released: (title: string) => `Ihr Zugang zum virtuellen Rundgang: ${title}`,
      granted: (title: string) => `Ihre Anfrage wurde freigegeben: ${title}`,
      'granted-after-deny': (title: string) => `Ihre Anfrage wurde freigegeben: ${title}`,
      'granted-again': (title: string) => `Ihr Zugang wurde wieder freigegeben: ${title}`,
    },
    intro: {
      released: (title: string, _broker: string) => `vielen Dank für Ihr Interesse an „${title}“.`,
      granted: (title: string, broker: string) =>
        `Ihre Anfrage zum virtuellen Rundgang „${title}“ wurde freigegeben: ${broker} hat sie geprüft, und der vollständige Rundgang steht Ihnen jetzt offen.`,
      'granted-after-deny': (title: string, broker: string) =>
        `${broker} hat Ihre Anfrage zum virtuellen Rundgang „${title}“ noch einmal geprüft: Ihre Anfrage wurde nun doch freigegeben.`,
      'granted-again': (title: string, broker: string) =>
        `${broker} hat Ihren Zugang zum virtuellen Rundgang „${title}“ wieder freigegeben.`,
    },
    openHtml: 'Mit der Schaltfläche unten öffnen Sie den vollständigen Rundgang mit allen geschützten Standpunkten.',
    openText: 'Mit diesem Link öffnen Sie den vollständigen Rundgang mit allen geschützten Standpunkten:',
    button: 'Rundgang öffnen',
    linkFallback: 'Falls die Schaltfläche nicht funktioniert, kopieren Sie diese Adresse in Ihren Browser:',
    validity: (until: string) =>
      `Der Link ist aus Sicherheitsgründen bis zum ${until} gültig. Er funktioniert auf jedem Ihrer Geräte. Ist er abgelaufen, können Sie auf der Seite des Rundgangs einen neuen Link anfordern.`,
    notYou: 'Falls Sie diese E-Mail nicht erwartet haben, können Sie sie ignorieren.',
  },
  fields: FIELD_LABELS.de,
  salutations: SALUTATION_LABELS.de,
  yes: 'ja',
  no: 'nein',
  consentLabel: 'Einwilligung Datenschutz',
  consentValue: (at: string, version: string) => `erteilt am ${at} (Textversion ${version})`,
  marketingLabel: 'Einwilligung Werbung',
  viewpointLabel: 'Angefragter Standpunkt',
  reviewRequest: {
    subject: (title: string) => `Zugangsanfrage zum Rundgang „${title}“`,
    intro: (visitor: string, title: string, room: string | undefined) =>
      `${visitor} bittet um Zugang zum Rundgang „${title}“${room ? ` und wollte den Standpunkt „${room}“ sehen` : ''}. Bitte prüfen Sie die Anfrage und geben Sie sie frei oder lehnen Sie sie ab.`,
    dataHeading: 'Angaben des Interessenten',
    requestedAt: 'Anfrage eingegangen',
    button: 'Anfrage prüfen',
    linkText: 'Anfrage prüfen und entscheiden:',
    linkFallback: 'Falls die Schaltfläche nicht funktioniert, kopieren Sie diese Adresse in Ihren Browser:',
    validity: (until: string) =>
      `Der Prüf-Link ist bis zum ${until} gültig. Das Öffnen allein ändert nichts: Erst Ihre Entscheidung auf der Seite gibt den Zugang frei oder lehnt die Anfrage ab.`,
    replyHint: (visitor: string) => `Eine Antwort auf diese E-Mail geht an ${visitor}.`,
  },
  confirmation: {
    subject: (title: string) => `Ihre Anfrage zum virtuellen Rundgang: ${title}`,
    intro: (title: string, broker: string) =>
      `vielen Dank für Ihr Interesse an „${title}“. ${broker} prüft Ihre Anfrage. Sobald sie freigegeben ist, erhalten Sie eine E-Mail mit einem Link, der den vollständigen Rundgang öffnet.`,
    spamHint: 'Sollte die E-Mail mit dem Link nicht ankommen, sehen Sie bitte auch im Spam-Ordner nach.',
    notYou: 'Falls Sie diese Anfrage nicht gestellt haben, können Sie diese E-Mail ignorieren.',
  },
  deny: {
    subject: (title: string) => `Ihre Anfrage zum virtuellen Rundgang: ${title}`,
    text: (title: string) =>
      `vielen Dank für Ihr Interesse an „${title}“. Leider können wir Ihnen den Zugang zum vollständigen virtuellen Rundgang derzeit nicht freigeben. Bei Fragen wenden Sie sich gern direkt an uns.`,
  },
  brokerNotification: {
    subjectRegistered: (title: string) => `Neuer Interessent für den Rundgang „${title}“`,
    introRegistered: (visitor: string, title: string, room: string | undefined) =>
      `${visitor} hat sich für den Rundgang „${title}“ registriert${room ? `, um den Standpunkt „${room}“ zu sehen,` : ''} und den Freischalt-Link per E-Mail erhalten.`,
    replyHint: (visitor: string) => `Eine Antwort auf diese E-Mail geht an ${visitor}.`,
  },
  digest: {
    subject: (day: string) => `Ihre Tagesübersicht vom ${day}`,
    intro: (day: string, n: number) =>
      n === 1
        ? `am ${day} hat ein Interessent seinen Freischalt-Link zum ersten Mal geöffnet.`
        : `am ${day} haben ${n} Interessenten ihren Freischalt-Link zum ersten Mal geöffnet.`,
    tourHeading: (title: string) => `Rundgang „${title}“`,
    line: (time: string, visitor: string, room: string | undefined) =>
      `${time} Uhr: ${visitor}${room ? `, Standpunkt „${room}“` : ''}`,
    why: 'Sie erhalten diese Übersicht einmal am Tag, wenn am Vortag Interessenten ihren Freischalt-Link geöffnet haben.',
  },
  login: {
    subject: 'Ihr Anmeldelink für tour-gate',
    introHtml: 'mit der Schaltfläche unten melden Sie sich bei der Statistik Ihrer virtuellen Rundgänge an.',
    introText: 'mit dem folgenden Link melden Sie sich bei der Statistik Ihrer virtuellen Rundgänge an:',
    validity: 'Der Link ist 15 Minuten gültig und kann einmal verwendet werden.',
    button: 'Anmelden',
    notYou: 'Wenn Sie diesen Link nicht angefordert haben, können Sie diese E-Mail ignorieren.',
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
      released: gd.status.released.label,
      pending: gd.status.pending.label,
      granted: gd.status.granted.label,
      denied: gd.status.denied.label,
      revoked: gd.status.revoked.label,
    },
    decidedBy: (who: string, when: string) => `von ${who}, ${when}`,
    decideHeading: 'Ihre Entscheidung',
    grant: gd.action.grant,
    grantHint: (visitor: string) => `${visitor} erhält eine E-Mail mit dem Freischalt-Link.`,
    deny: gd.action.deny,
    denyHint: (visitor: string) =>
      `${visitor} erhält eine höfliche Absage per E-Mail. Freigeben können Sie die Anfrage auch danach noch.`,
    revoke: gd.action.revoke,
    revokeHint: 'Der Zugang endet sofort, auf allen Geräten. Sie können ihn später wieder freigeben.',
    grantAfterDeny: gd.action.grantAfterDeny,
    grantAfterDenyHint: (visitor: string) =>
      `${visitor} erhält eine E-Mail, dass die Anfrage nun doch freigegeben wurde, mit dem Freischalt-Link.`,
    grantAgain: gd.action.grantAgain,
    grantAgainHint: (visitor: string) => `${visitor} erhält eine E-Mail mit einem neuen Freischalt-Link.`,
    confirm: {
      denyHeading: (visitor: string) => `Anfrage von ${visitor} ablehnen?`,
      denyText: (visitor: string) =>
        `${visitor} erhält eine höfliche Absage per E-Mail. Sie können die Anfrage später trotzdem noch freigeben; dann erhält ${visitor} den Freischalt-Link.`,
      denyButton: 'Ja, ablehnen',
      revokeHeading: (visitor: string) => `Zugang von ${visitor} widerrufen?`,
      revokeText: (visitor: string) =>
        `Der Zugang endet sofort, auf allen Geräten, und der Freischalt-Link funktioniert nicht mehr. ${visitor} erhält darüber keine E-Mail. Sie können den Zugang später wieder freigeben.`,
      revokeButton: 'Ja, Zugang widerrufen',
      cancel: 'Abbrechen',
    },
    justDecided: {
      grant: (visitor: string, title: string) =>
        `${visitor} hat jetzt Zugang zum Rundgang „${title}“ und erhält den Freischalt-Link per E-Mail.`,
      'grant-after-deny': (visitor: string, title: string) =>
        `${visitor} hat jetzt doch Zugang zum Rundgang „${title}“ und erhält den Freischalt-Link per E-Mail.`,
      'grant-again': (visitor: string, title: string) =>
        `${visitor} hat wieder Zugang zum Rundgang „${title}“ und erhält einen neuen Freischalt-Link per E-Mail.`,
      deny: (visitor: string, _title: string) =>
        `Die Anfrage von ${visitor} ist abgelehnt. Eine höfliche Absage ist per E-Mail unterwegs.`,
      revoke: (visitor: string, title: string) => `${visitor} hat keinen Zugang mehr zum Rundgang „${title}“.`,
    },
    alreadyDecided: 'Über diese Anfrage wurde bereits entschieden; es wurde nichts geändert.',
    logbook: 'Logbuch',
    logEmpty: 'Keine Einträge.',
    language: 'Sprache',
    logKinds: {
      registered: gd.status.registered.label,
      'registered-again': 'Erneut registriert',
      'mail-queued': 'E-Mail zum Versand bereit',
      'mail-sent': 'E-Mail versandt',
      'mail-retry': 'E-Mail verzögert, neuer Versuch folgt',
      'mail-failed': 'E-Mail nicht zustellbar',
      'mail-refused': 'E-Mail vom empfangenden Mailserver abgewiesen (unzustellbar)',
      'link-redeemed': 'Freischalt-Link geöffnet',
      'link-requested': 'Neuer Link angefordert',
      granted: 'Zugang freigegeben',
      denied: 'Anfrage abgelehnt',
      revoked: 'Zugang widerrufen',
      'broker-notified': 'Makler benachrichtigt',
      'repeat-requested': 'Nach Ablehnung erneut angefragt',
      'message-added': 'Nachricht des Interessenten',
    },
    grantedAfter: { denied: 'Zugang doch freigegeben', revoked: 'Zugang wieder freigegeben' },
    mailKinds: {
      unlock: 'Freischalt-Link',
      deny: 'Absage',
      'review-request': 'Prüfanfrage',
      confirmation: 'Eingangsbestätigung',
      'broker-notification': 'Benachrichtigung an den Makler',
      login: 'Anmeldelink',
      digest: 'Tagesübersicht',
      'visitor-message': 'Nachricht des Interessenten',
      'revoked-notice': 'Hinweis auf widerrufenen Zugang',
    },
    errors: {
      invalidTitle: 'Dieser Link funktioniert nicht',
      invalidText:
        'Er ist vielleicht unvollständig, oder es ist kein Prüf-Link. Bitte öffnen Sie den Link aus der E-Mail noch einmal.',
      expiredTitle: 'Dieser Prüf-Link ist abgelaufen',
      expiredText: (days: number) =>
        `Prüf-Links gelten ${days === 1 ? 'einen Tag' : `${new Intl.NumberFormat('de').format(days)} Tage`}. Es wurde nichts geändert. Die Anfrage finden Sie weiterhin in Ihrem Dashboard.`,
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
