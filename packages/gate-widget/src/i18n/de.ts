/** German texts; the shape comes from the English table. */
import { FIELD_LABELS, SALUTATION_LABELS } from '@tour-gate/shared';
import type { Translation } from './en.ts';

export const de: Translation = {
  close: 'Schließen',
  maskTitle: 'Den ganzen Rundgang freischalten',
  maskIntroEmail: (broker) =>
    `Einmal registrieren, und ${broker} schickt Ihnen einen Link per E-Mail, der alle Räume dieses Rundgangs öffnet.`,
  maskIntroManual: (broker) =>
    `Einmal registrieren, und ${broker} prüft Ihre Anfrage. Sobald sie freigegeben ist, erhalten Sie einen Link per E-Mail.`,
  requiredNote: 'Mit * markierte Felder sind Pflichtfelder.',
  requiredMarker: '*',
  chooseOption: 'Bitte wählen',
  fields: FIELD_LABELS.de,
  salutations: SALUTATION_LABELS.de,
  consentPrivacy:
    'Ich bin einverstanden, dass {broker} meine Daten zur Bearbeitung dieser Anfrage verarbeitet, wie in der {privacy} beschrieben.',
  consentPrivacyTerms:
    'Ich akzeptiere die {terms} und bin einverstanden, dass {broker} meine Daten zur Bearbeitung dieser Anfrage verarbeitet, wie in der {privacy} beschrieben.',
  privacyLink: 'Datenschutzerklärung',
  termsLink: 'Nutzungsbedingungen',
  consentMarketing: (broker) =>
    `${broker} darf mich auch per E-Mail über ähnliche Immobilien informieren. Freiwillig; jederzeit widerrufbar.`,
  captchaLabel: 'Sicherheitsprüfung',
  submit: 'Anfrage senden',
  sending: 'Wird gesendet…',
  retry: 'Erneut versuchen',
  checkFieldsSummary: (count) =>
    count === 1 ? 'Bitte prüfen Sie das markierte Feld.' : `Bitte prüfen Sie die ${count} markierten Felder.`,
  checkEmailTitle: 'Bitte sehen Sie in Ihr Postfach',
  checkEmailText: (broker) =>
    `Wir haben Ihnen im Auftrag von ${broker} eine E-Mail mit einem Link geschickt, der den Rundgang freischaltet. Falls sie in ein paar Minuten nicht im Posteingang ist, sehen Sie bitte auch im Spam-Ordner nach.`,
  awaitingTitle: 'Anfrage gesendet',
  awaitingText: (broker) =>
    `${broker} prüft Ihre Anfrage. Sobald sie freigegeben ist, erhalten Sie eine E-Mail mit einem Link, der den Rundgang freischaltet.`,
  linkExpiredTitle: 'Dieser Link ist abgelaufen',
  linkExpiredText:
    'Freischalt-Links gelten nur eine begrenzte Zeit. Wir können einen neuen an dieselbe Adresse schicken wie den alten.',
  newLinkButton: 'Neuen Link schicken',
  linkInvalidTitle: 'Dieser Link funktioniert nicht',
  linkInvalidText:
    'Er ist vielleicht unvollständig oder wurde durch einen neueren ersetzt. Bitte öffnen Sie den neuesten Link aus Ihrer E-Mail oder fordern Sie mit Ihrer E-Mail-Adresse einen neuen an.',
  linkRevokedTitle: 'Dieser Link gilt nicht mehr',
  linkRevokedText:
    'Ein neuerer Link hat ihn ersetzt, oder er wurde zurückgezogen. Bitte öffnen Sie den neuesten Link aus Ihrer E-Mail oder fordern Sie mit Ihrer E-Mail-Adresse einen neuen an.',
  registerAgain: 'Erneut registrieren',
  accessDeniedTitle: 'Zugang nicht freigegeben',
  accessDeniedText: (broker) =>
    `${broker} hat entschieden, diesen Rundgang für Sie nicht freizugeben. Wenn Sie das für einen Irrtum halten, melden Sie sich bitte direkt.`,
  accessRevokedTitle: 'Zugang widerrufen',
  accessRevokedText: (broker) =>
    `${broker} hat Ihren Zugang zu diesem Rundgang widerrufen. Bei Fragen melden Sie sich bitte direkt.`,
  errorTitle: 'Etwas ist schiefgelaufen',
  contactHeading: 'Kontakt',
  changeAddress: 'Adresse ändern',
  checkEmailTextTo:
    'Wir haben im Auftrag von {broker} eine E-Mail an {email} geschickt. Der Link darin schaltet den Rundgang frei. Falls sie in ein paar Minuten nicht im Posteingang ist, sehen Sie bitte auch im Spam-Ordner nach und prüfen Sie, ob die Adresse stimmt.',
  awaitingTextTo:
    '{broker} prüft Ihre Anfrage. Sobald sie freigegeben ist, erhalten Sie eine E-Mail an {email} mit einem Link, der den Rundgang freischaltet.',
  askLinkTitle: 'Neuen Link anfordern',
  askLinkText:
    'Bitte geben Sie die E-Mail-Adresse ein, mit der Sie sich registriert haben. Ist für sie der Zugang zu diesem Rundgang freigegeben, schicken wir einen neuen Freischalt-Link dorthin.',
  askLinkSubmit: 'Link senden',
  newLinkSentTitle: 'Bitte sehen Sie in Ihr Postfach',
  newLinkSentTo:
    'Falls für {email} der Zugang zu diesem Rundgang freigegeben ist, ist ein neuer Link dorthin unterwegs. Falls in ein paar Minuten nichts ankommt, sehen Sie bitte im Spam-Ordner nach und prüfen Sie die Adresse.',
  limitedTitle: 'Bitte warten Sie kurz',
  limitedText: (time, minutes) =>
    `In kurzer Zeit kamen zu viele Anfragen. Bitte versuchen Sie es ab ${time} Uhr erneut (${minutes < 2 ? 'in etwa einer Minute' : `in etwa ${minutes} Minuten`}). Ihre Eingaben bleiben erhalten, solange diese Seite geöffnet ist.`,
  limitedTextUnknown:
    'In kurzer Zeit kamen zu viele Anfragen. Bitte versuchen Sie es in ein paar Minuten erneut. Ihre Eingaben bleiben erhalten, solange diese Seite geöffnet ist.',
  limitedOverTitle: 'Sie können jetzt fortfahren',
  limitedOver: 'Die Wartezeit ist vorbei: Sie können Ihre Anfrage jetzt senden.',
  goOn: 'Weiter',
  pendingTitle: 'Ihre Anfrage wird geprüft',
  pendingText: (date, broker) =>
    `Ihre Anfrage vom ${date} liegt ${broker} vor. Sobald sie freigegeben ist, erhalten Sie eine E-Mail mit einem Link, der den Rundgang freischaltet.`,
  messageLabel: (broker) => `Ihre Nachricht an ${broker}`,
  messageSubmit: 'Nachricht senden',
  messageSentTitle: 'Nachricht gesendet',
  messageSentText: (broker) => `Ihre Nachricht ist an ${broker} unterwegs.`,
  elsewhereText:
    'Wurde Ihre Anfrage schon freigegeben und haben Sie den Link auf einem anderen Gerät geöffnet? Dann senden wir ihn Ihnen gern erneut.',
  resendLink: 'Link erneut senden',
  resentText: 'Falls Ihr Zugang freigegeben ist, ist ein neuer Link an die Adresse Ihrer Anfrage unterwegs.',
  releasedTitle: 'Ihr Link wurde per E-Mail verschickt',
  releasedText: (date) =>
    `Am ${date} haben wir Ihnen einen Link geschickt, der diesen Rundgang freischaltet. Bitte öffnen Sie ihn auf diesem Gerät. Finden Sie ihn nicht oder haben Sie ihn auf einem anderen Gerät geöffnet, senden wir ihn gern erneut.`,
  otherAddress: 'Andere Adresse verwenden',
  repeatText: (broker) => `Sie können ${broker} erneut um Freigabe bitten, gern mit einer kurzen Nachricht.`,
  repeatSubmit: 'Erneut anfragen',
  postalCodeFormat: (example, country) =>
    `Bitte prüfen Sie die Postleitzahl. Erwartetes Format (${country}): ${example}`,
  errors: {
    INVALID_JSON: 'Die Anfrage konnte nicht gelesen werden. Bitte versuchen Sie es erneut.',
    UNSUPPORTED_MEDIA_TYPE: 'Die Anfrage konnte nicht gelesen werden. Bitte versuchen Sie es erneut.',
    PAYLOAD_TOO_LARGE: 'Ihre Angaben sind zu lang. Bitte kürzen Sie sie.',
    VALIDATION_FAILED: 'Einige Felder fehlen oder sind ungültig.',
    NOT_FOUND: 'Das wurde nicht gefunden.',
    METHOD_NOT_ALLOWED: 'Diese Aktion ist nicht möglich.',
    TOUR_NOT_FOUND: 'Dieser Rundgang ist nicht verfügbar.',
    ORIGIN_NOT_ALLOWED: 'Diese Seite darf die Registrierung für diesen Rundgang nicht anzeigen.',
    RATE_LIMITED: 'Zu viele Versuche. Bitte warten Sie einen Moment und versuchen Sie es erneut.',
    CAPTCHA_REQUIRED: 'Bitte schließen Sie die Sicherheitsprüfung ab.',
    CAPTCHA_FAILED: 'Die Sicherheitsprüfung wurde nicht akzeptiert. Bitte versuchen Sie es erneut.',
    CAPTCHA_UNAVAILABLE: 'Die Sicherheitsprüfung ist gerade nicht erreichbar. Bitte versuchen Sie es erneut.',
    LINK_INVALID: 'Dieser Link ist ungültig.',
    LINK_EXPIRED: 'Dieser Link ist abgelaufen.',
    LINK_REVOKED: 'Dieser Link wurde zurückgezogen.',
    REQUEST_INVALID: 'Diese Anfrage ist hier nicht mehr bekannt. Bitte registrieren Sie sich erneut.',
    REPEAT_NOT_ALLOWED:
      'Für diesen Rundgang ist nach einer Ablehnung keine neue Anfrage möglich. Bitte melden Sie sich direkt.',
    ACCESS_DENIED: 'Der Zugang zu diesem Rundgang wurde nicht freigegeben.',
    ACCESS_REVOKED: 'Der Zugang zu diesem Rundgang wurde widerrufen.',
    ACCESS_EXPIRED: 'Ihr Zugang zu diesem Rundgang ist abgelaufen. Bitte registrieren Sie sich erneut.',
    ACCESS_PENDING: 'Über Ihre Anfrage wurde noch nicht entschieden.',
    TOKEN_INVALID: 'Ihr Zugang konnte nicht bestätigt werden. Bitte öffnen Sie Ihren Link erneut.',
    UNAUTHORIZED: 'Bitte melden Sie sich an.',
    FORBIDDEN: 'Das ist nicht erlaubt.',
    NONCE_INVALID: 'Dieses Formular ist abgelaufen. Bitte laden Sie die Seite neu.',
    ALREADY_DECIDED: 'Über diese Anfrage wurde bereits entschieden.',
    CONFLICT: 'Gleichzeitig hat sich etwas geändert. Bitte versuchen Sie es erneut.',
    NOT_READY: 'Der Dienst startet gerade. Bitte versuchen Sie es gleich noch einmal.',
    INTERNAL: 'Bei uns ist etwas schiefgelaufen. Bitte versuchen Sie es später erneut.',
    UNAVAILABLE: 'Der Dienst ist kurz nicht erreichbar. Bitte versuchen Sie es gleich noch einmal.',
    NETWORK_ERROR:
      'Die Verbindung ist fehlgeschlagen. Bitte prüfen Sie Ihre Internetverbindung und versuchen Sie es erneut.',
    BAD_RESPONSE: 'Die Antwort des Servers konnte nicht gelesen werden. Bitte versuchen Sie es später erneut.',
    NETWORK: 'Die Räume können hier gerade nicht geöffnet werden.',
  },
  fieldErrors: {
    required: 'Bitte füllen Sie dieses Feld aus.',
    invalid: 'Bitte prüfen Sie diese Eingabe.',
    invalid_email: 'Bitte geben Sie eine gültige E-Mail-Adresse ein, etwa name@beispiel.de.',
    invalid_postal_code: 'Bitte geben Sie eine gültige Postleitzahl ein.',
    too_long: 'Diese Eingabe ist zu lang.',
    unknown: 'Dieses Feld gehört nicht zum Formular.',
    consent_required: 'Bitte stimmen Sie zu, um fortzufahren.',
  },
};
