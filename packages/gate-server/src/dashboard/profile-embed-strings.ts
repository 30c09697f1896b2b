/**
 * The texts of the broker's profile page and of a tour's embed page, German and English.
 */
import type { DashLocale } from './strings.ts';

const en = {
  profile: {
    nav: 'Profile',
    back: 'Back to your tours',
    heading: 'Your profile',
    intro:
      'How visitors see you: in the registration form on your tour pages and in every email tour-gate sends on your behalf.',
    name: 'Name of the contact person',
    nameHint: 'As visitors should read it, e.g. "Anna Müller".',
    salutation: 'Contact person',
    salutationHint:
      'German emails then say "Ihre Ansprechpartnerin" (Ms) or "Ihr Ansprechpartner" (Mr) instead of "Ihr Kontakt".',
    salutations: { '': 'No salutation', ms: 'Ms (Frau)', mr: 'Mr (Herr)' },
    company: 'Company',
    phone: 'Phone',
    phoneHint: 'Digits, spaces and + ( ) / . - only.',
    address: 'Address',
    website: 'Website',
    websiteHint: 'An address starting with https://',
    logo: 'Logo',
    logoHint: 'PNG, JPEG or WebP, at most 200 KB. Shown in the registration form and in emails.',
    logoCurrent: 'Your current logo',
    logoNone: 'No logo yet.',
    logoRemove: 'Remove the logo',
    save: 'Save profile',
    saved: 'Your profile is saved. Tour pages and emails use it from now on.',
    errorSummary: (n: number) => (n === 1 ? 'One entry needs your attention.' : `${n} entries need your attention.`),
    notSaved: 'Nothing was saved.',
    errors: {
      required: 'Please enter a name.',
      tooLong: 'This is too long.',
      phone: 'Please enter a phone number with digits (and spaces, + ( ) / . - if you like).',
      website: 'Please enter a web address starting with https:// or http://.',
      salutation: 'Please choose one of the options.',
      logoType: 'This file is not a PNG, JPEG or WebP image (what counts is its content, not its name).',
      logoSize: 'This file is larger than 200 KB.',
      logoDimensions: 'This image has no usable size (1 to 4096 pixels each way).',
      logoEmpty: 'This file is empty.',
    },
    fromFile:
      'Your email address, language and retention period come from the server configuration; only your operator can change them.',
  },
  embed: {
    link: 'Embed code and check',
    heading: (title: string) => `Embed: ${title}`,
    intro:
      'Paste one of these snippets into the page that shows the tour. Replace what the snippet marks as yours (panoramas, scenes).',
    plain: 'Plain HTML (your own buttons or links)',
    plainHint: 'Mark every link or button that leads into a protected room with data-gate-viewpoint.',
    cover: 'Tour in an iframe (Matterport, Giraffe360, Ogulo …)',
    coverHint:
      'The gate shows a cover instead of the tour; the tour loads only after the visitor was let in. Enter the viewer\'s address in the tour settings under "Address of the tour viewer (cover mode)".',
    coverMissing: 'This tour has no viewer address yet: set one in the settings first.',
    pannellum: 'Pannellum',
    psv: 'Photo Sphere Viewer (virtual tour plugin)',
    marzipano: 'Marzipano',
    adapterHint: 'The HTML goes into the page, the script into your build (the package @tour-gate/gate-widget).',
    copy: 'Copy',
    copied: 'Copied',
    copyFailed: 'Please select the text and copy it.',
    htmlPart: 'HTML',
    scriptPart: 'Script',
    preview: 'Preview of the registration form',
    previewHonest:
      'Rebuilt here from the settings the widget gets, with the same fields, order and texts. It is not the widget itself and sends nothing.',
    // The widget's own texts (gate-widget/src/i18n/en.ts), so the preview reads like the mask.
    previewIntroEmail: (broker: string) =>
      `Register once and ${broker} will send you a link by email that opens every room of this tour.`,
    previewIntroManual: (broker: string) =>
      `Register once and ${broker} will check your request. You get a link by email as soon as it is granted.`,
    previewRequiredNote: 'Fields marked with * are required.',
    previewChoose: 'Please choose',
    previewConsent: (broker: string) =>
      `I agree that ${broker} processes my data to answer this request, as described in the privacy notice.`,
    previewMarketing: (broker: string) =>
      `${broker} may also email me about similar properties. Optional; I can withdraw this at any time.`,
    previewSubmit: 'Send request',
    previewCaptcha: 'Security check (hCaptcha) appears here',
    previewContact: 'Contact',
    previewLanguage: "The mask speaks the visitor's language (German or English); shown here in the dashboard's.",
    check: 'Which pages load this tour',
    checkIntro: (days: number) =>
      `Pages that loaded the widget for this tour in the last ${days} days, counted per page address (origin). Nothing about visitors is stored.`,
    checkNone: 'No page has loaded the widget for this tour in the last 30 days.',
    origin: 'Page address (origin)',
    loads: 'Loads',
    refusedLoads: 'refused',
    lastSeen: 'Last seen',
    state: 'Status',
    allowedNow: 'allowed',
    refusedNow: 'not allowed',
    allow: 'Allow',
    allowed: (origin: string) => `${origin} is allowed now. The widget on that page works at the next load.`,
    alreadyAllowed: (origin: string) => `${origin} was allowed already.`,
    notSeen: 'This address has not loaded the tour; only addresses listed here can be allowed with one click.',
    fileManaged:
      'This tour is managed by the server configuration file: to allow an address, add it to "allowedOrigins" of this tour in the file and restart the server.',
    fileOnly: 'in the configuration file',
    invalidOrigin: "This address can't be allowed: only https addresses (http only for localhost), without a path.",
    alsoSettings:
      'Every allowed address is listed in the settings under "Further web addresses that may embed the tour".',
    back: 'Back to the tour',
    settings: 'Settings',
  },
};

export type ProfileEmbedStrings = typeof en;

const de: ProfileEmbedStrings = {
  profile: {
    nav: 'Profil',
    back: 'Zurück zu Ihren Rundgängen',
    heading: 'Ihr Profil',
    intro:
      'So sehen Interessenten Sie: im Anmeldeformular auf Ihren Rundgangseiten und in jeder E-Mail, die tour-gate in Ihrem Auftrag versendet.',
    name: 'Name der Ansprechperson',
    nameHint: 'So, wie Interessenten ihn lesen sollen, z. B. „Anna Müller“.',
    salutation: 'Ansprechperson',
    salutationHint:
      'E-Mails schreiben dann „Ihre Ansprechpartnerin“ (Frau) oder „Ihr Ansprechpartner“ (Herr) statt „Ihr Kontakt“.',
    salutations: { '': 'Keine Anrede', ms: 'Frau', mr: 'Herr' },
    company: 'Firma',
    phone: 'Telefon',
    phoneHint: 'Nur Ziffern, Leerzeichen und + ( ) / . -',
    address: 'Anschrift',
    website: 'Website',
    websiteHint: 'Eine Adresse, die mit https:// beginnt',
    logo: 'Logo',
    logoHint: 'PNG, JPEG oder WebP, höchstens 200 KB. Erscheint im Anmeldeformular und in E-Mails.',
    logoCurrent: 'Ihr aktuelles Logo',
    logoNone: 'Noch kein Logo.',
    logoRemove: 'Logo entfernen',
    save: 'Profil speichern',
    saved: 'Ihr Profil ist gespeichert. Rundgangseiten und E-Mails verwenden es ab sofort.',
    errorSummary: (n: number) => (n === 1 ? 'Eine Angabe ist zu prüfen.' : `${n} Angaben sind zu prüfen.`),
    notSaved: 'Es wurde nichts gespeichert.',
    errors: {
      required: 'Bitte geben Sie einen Namen ein.',
      tooLong: 'Diese Angabe ist zu lang.',
      phone: 'Bitte geben Sie eine Telefonnummer mit Ziffern ein (gern mit Leerzeichen und + ( ) / . -).',
      website: 'Bitte geben Sie eine Webadresse ein, die mit https:// oder http:// beginnt.',
      salutation: 'Bitte wählen Sie eine der Möglichkeiten.',
      logoType: 'Diese Datei ist kein PNG-, JPEG- oder WebP-Bild (es zählt der Inhalt, nicht der Name).',
      logoSize: 'Diese Datei ist größer als 200 KB.',
      logoDimensions: 'Dieses Bild hat keine brauchbare Größe (1 bis 4096 Pixel in jede Richtung).',
      logoEmpty: 'Diese Datei ist leer.',
    },
    fromFile:
      'Ihre E-Mail-Adresse, Sprache und Aufbewahrungsdauer stammen aus der Serverkonfiguration; nur Ihr Betreiber kann sie ändern.',
  },
  embed: {
    link: 'Einbindung und Prüfung',
    heading: (title: string) => `Einbinden: ${title}`,
    intro:
      'Fügen Sie einen dieser Codes in die Seite ein, die den Rundgang zeigt. Ersetzen Sie, was der Code als Ihres markiert (Panoramen, Szenen).',
    plain: 'Einfaches HTML (eigene Schaltflächen oder Links)',
    plainHint:
      'Versehen Sie jeden Link und jede Schaltfläche, die in einen geschützten Raum führt, mit data-gate-viewpoint.',
    cover: 'Rundgang im iframe (Matterport, Giraffe360, Ogulo …)',
    coverHint:
      'Statt des Rundgangs erscheint ein Deckblatt; der Rundgang lädt erst, wenn der Interessent Zugang hat. Tragen Sie die Adresse des Viewers in den Einstellungen unter „Adresse des Rundgang-Viewers (Cover-Modus)“ ein.',
    coverMissing:
      'Dieser Rundgang hat noch keine Viewer-Adresse: Bitte tragen Sie zuerst eine in den Einstellungen ein.',
    pannellum: 'Pannellum',
    psv: 'Photo Sphere Viewer (Virtual-Tour-Plugin)',
    marzipano: 'Marzipano',
    adapterHint: 'Das HTML gehört in die Seite, das Skript in Ihren Build (Paket @tour-gate/gate-widget).',
    copy: 'Kopieren',
    copied: 'Kopiert',
    copyFailed: 'Bitte markieren Sie den Text und kopieren Sie ihn.',
    htmlPart: 'HTML',
    scriptPart: 'Skript',
    preview: 'Vorschau des Anmeldeformulars',
    previewHonest:
      'Hier nachgebildet aus den Einstellungen, die das Widget erhält: dieselben Felder, dieselbe Reihenfolge, dieselben Texte. Es ist nicht das Widget selbst und sendet nichts.',
    previewIntroEmail: (broker: string) =>
      `Einmal registrieren, und ${broker} schickt Ihnen einen Link per E-Mail, der alle Räume dieses Rundgangs öffnet.`,
    previewIntroManual: (broker: string) =>
      `Einmal registrieren, und ${broker} prüft Ihre Anfrage. Sobald sie freigegeben ist, erhalten Sie einen Link per E-Mail.`,
    previewRequiredNote: 'Mit * markierte Felder sind Pflichtfelder.',
    previewChoose: 'Bitte wählen',
    previewConsent: (broker: string) =>
      `Ich bin einverstanden, dass ${broker} meine Daten zur Bearbeitung dieser Anfrage verarbeitet, wie in der Datenschutzerklärung beschrieben.`,
    previewMarketing: (broker: string) =>
      `${broker} darf mich auch per E-Mail über ähnliche Immobilien informieren. Freiwillig; jederzeit widerrufbar.`,
    previewSubmit: 'Anfrage senden',
    previewCaptcha: 'Hier erscheint die Sicherheitsprüfung (hCaptcha)',
    previewContact: 'Kontakt',
    previewLanguage:
      'Die Maske spricht die Sprache des Interessenten (Deutsch oder Englisch); hier in der des Dashboards.',
    check: 'Welche Seiten diesen Rundgang laden',
    checkIntro: (days: number) =>
      `Seiten, die das Widget für diesen Rundgang in den letzten ${days} Tagen geladen haben, gezählt je Seitenadresse (Origin). Über Interessenten wird nichts gespeichert.`,
    checkNone: 'In den letzten 30 Tagen hat keine Seite das Widget für diesen Rundgang geladen.',
    origin: 'Seitenadresse (Origin)',
    loads: 'Aufrufe',
    refusedLoads: 'abgewiesen',
    lastSeen: 'Zuletzt',
    state: 'Status',
    allowedNow: 'zugelassen',
    refusedNow: 'nicht zugelassen',
    allow: 'Zulassen',
    allowed: (origin: string) =>
      `${origin} ist jetzt zugelassen. Das Widget auf dieser Seite funktioniert beim nächsten Laden.`,
    alreadyAllowed: (origin: string) => `${origin} war bereits zugelassen.`,
    notSeen:
      'Diese Adresse hat den Rundgang nicht geladen; mit einem Klick lassen sich nur die hier aufgeführten Adressen zulassen.',
    fileManaged:
      'Dieser Rundgang wird über die Konfigurationsdatei des Servers verwaltet: Um eine Adresse zuzulassen, tragen Sie sie dort bei diesem Rundgang unter „allowedOrigins“ ein und starten den Server neu.',
    fileOnly: 'in der Konfigurationsdatei',
    invalidOrigin: 'Diese Adresse lässt sich nicht zulassen: nur https-Adressen (http nur für localhost), ohne Pfad.',
    alsoSettings:
      'Alle zugelassenen Adressen stehen in den Einstellungen unter „Weitere Webadressen, die den Rundgang einbinden dürfen“.',
    back: 'Zurück zum Rundgang',
    settings: 'Einstellungen',
  },
};

export const profileEmbedStrings = (l: DashLocale): ProfileEmbedStrings => (l === 'en' ? en : de);
