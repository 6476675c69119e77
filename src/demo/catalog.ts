// Type-only: the demo data does not load the GraphQL types.
import type { FunnelStepKind, FunnelViewInput } from '../funnels/funnel.types';

const kind = (value: `${FunnelStepKind}`) => value as FunnelStepKind;

/** The made-up business behind the demo data: a web shop with journeys, chatbots and an AI agent. */
export interface DemoAutomation {
  id: string;
  type: 'JOURNEY' | 'CHATBOT' | 'AI_AGENT';
  name: string;
  versions: number;
  channels: string[];
  topics: string[];
  /** Journey elements, chatbot dialogs or AI agent tools, in their usual order. */
  steps: string[];
  weight: number;
}

export const AUTOMATIONS: DemoAutomation[] = [
  {
    id: 'j-welcome', type: 'JOURNEY', name: 'Welcome journey', versions: 3, channels: ['SMS', 'EMAIL'], topics: [],
    steps: ['Entry', 'Send welcome', 'Wait 1 day', 'Send discount', 'Exit'], weight: 16,
  },
  {
    id: 'j-cart', type: 'JOURNEY', name: 'Cart recovery', versions: 2, channels: ['WHATSAPP', 'SMS', 'VIBER'], topics: [],
    steps: ['Cart abandoned', 'Send reminder', 'Wait 4 hours', 'Send coupon', 'Purchase'], weight: 14,
  },
  {
    id: 'cb-support', type: 'CHATBOT', name: 'Support bot', versions: 3, channels: ['WHATSAPP', 'MESSENGER', 'LIVE_CHAT'],
    topics: ['Order status', 'Returns', 'Delivery address', 'Payment failed', 'Opening hours'],
    steps: ['Welcome', 'Order lookup', 'Returns form', 'FAQ', 'Agent handoff', 'Goodbye'], weight: 24,
  },
  {
    id: 'cb-sales', type: 'CHATBOT', name: 'Sales assistant', versions: 2, channels: ['WHATSAPP', 'RCS'],
    topics: ['Product advice', 'Pricing', 'Stock availability', 'Discount codes'],
    steps: ['Welcome', 'Product finder', 'Offer', 'Checkout link', 'Goodbye'], weight: 12,
  },
  {
    id: 'ai-concierge', type: 'AI_AGENT', name: 'AI concierge', versions: 2, channels: ['WHATSAPP', 'LIVE_CHAT', 'EMAIL'],
    topics: ['Order status', 'Returns', 'Product advice', 'Warranty claim', 'Account access'],
    steps: ['lookup_order', 'create_return', 'search_catalog', 'reset_password', 'escalate'], weight: 20,
  },
];

/** Conversations handled only by people in the inbox. */
export const INBOX = { weight: 14, channels: ['LIVE_CHAT', 'EMAIL', 'WHATSAPP'], topics: ['Complaint', 'Order status', 'Returns', 'Invoice request'] };

export const SENDERS: Record<string, string> = {
  SMS: 'ShopSMS',
  WHATSAPP: 'ShopWA',
  VIBER: 'ShopViber',
  RCS: 'ShopRCS',
  EMAIL: 'hello@shop.example',
  MESSENGER: 'ShopPage',
  LIVE_CHAT: 'shop.example',
};

export const ISSUES = [
  'Bot did not understand the request',
  'Long wait for an agent',
  'Customer repeated the question',
  'Wrong information given',
  'Conversation ended abruptly',
];

export const USER_LINES = ['Hi', 'Where is my parcel?', 'I want to return this', 'Can you help me?', 'Thanks!', 'That did not help', 'I want a person', 'ok'];
export const BOT_LINES = ['Hello! How can I help?', 'Let me check that for you.', 'Here is what I found.', 'Anything else?', 'Your request is done.'];

/** The demo account's rate card (EUR). */
export const demoRateCard = {
  currency: 'EUR',
  agentPerMinute: 0.45,
  channels: [
    { channel: 'SMS', outboundMessage: 0.045, inboundMessage: 0.01 },
    { channel: 'WHATSAPP', outboundMessage: 0.02, inboundMessage: 0.005 },
    { channel: 'VIBER', outboundMessage: 0.015, inboundMessage: 0 },
    { channel: 'RCS', outboundMessage: 0.03, inboundMessage: 0 },
    { channel: 'EMAIL', outboundMessage: 0.001, inboundMessage: 0 },
  ],
  automations: [
    { automationType: 'JOURNEY' as const, perInteraction: 0.01 },
    { automationType: 'CHATBOT' as const, perInteraction: 0.05 },
    { automationType: 'AI_AGENT' as const, perInteraction: 0.2 },
  ],
};

/** Saved funnel views of the demo account (the first becomes the default). */
export const demoFunnelViews: FunnelViewInput[] = [
  {
    name: 'Welcome journey: entry to discount',
    automationId: 'j-welcome',
    steps: ['Entry', 'Send welcome', 'Wait 1 day', 'Send discount', 'Exit'].map((name) => ({ kind: kind('JOURNEY_ELEMENT'), name })),
  },
  {
    name: 'Support bot sessions',
    automationId: 'cb-support',
    steps: [
      { kind: kind('SESSION_START'), name: null },
      { kind: kind('STARTING_DIALOG'), name: 'Welcome' },
      { kind: kind('ENDING_DIALOG'), name: 'Goodbye' },
      { kind: kind('SESSION_END'), name: null },
    ],
  },
];
