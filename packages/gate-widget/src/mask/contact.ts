import type { BrokerContact } from '@tour-gate/shared';
import { html, nothing } from 'lit';
import type { Translation } from '../i18n/en.ts';
import { safeUrl } from './safe-url.ts';

/** The broker's contact data, so a visitor who is stuck knows whom to ask. */
export function renderContact(broker: BrokerContact | undefined, t: Translation) {
  if (!broker) return nothing;
  const website = safeUrl(broker.website);
  return html`<address part="contact">
    <strong>${t.contactHeading}</strong><br />
    ${broker.name}${broker.company ? html`<br />${broker.company}` : nothing}
    ${broker.address ? html`<br />${broker.address}` : nothing}
    ${broker.email ? html`<br /><a href="mailto:${broker.email}">${broker.email}</a>` : nothing}
    ${broker.phone ? html`<br /><a href="tel:${broker.phone.replace(/[^+\d]/g, '')}">${broker.phone}</a>` : nothing}
    ${website ? html`<br /><a href=${website} target="_blank" rel="noopener">${website}</a>` : nothing}
  </address>`;
}
