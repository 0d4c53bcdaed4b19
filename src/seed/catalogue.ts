import type { MaterialKind } from '../modules/materials/dto/material.dto';
import { DEMO_CAPTIONS, DEMO_CLIP } from '../modules/media/media-files';

export interface SeedMaterial {
  slug: string;
  title: string;
  kind: MaterialKind;
  summary: string;
  authors: string[];
  tags: string[];
  durationSeconds?: number;
  /** Served by Accord itself from assets/media (the URL depends on PUBLIC_URL); otherwise the item links to the clearinghouse. */
  media?: { file: string; captions?: string };
}

/** The link for a seeded item: the clearinghouse's own search for its title. */
export const seedUrl = (title: string) => `https://www.pon.harvard.edu/?s=${encodeURIComponent(title).replace(/%20/g, '+')}`;

/**
 * The teaching items of ../shared/seeds/pon-diplomatic-negotiations.txt, summarised in our own
 * words, plus the Martti Ahtisaari Great Negotiator materials that the seed refers to.
 * Video durations are approximate (the seed does not give them); watch rules need one.
 */
export const CATALOGUE: SeedMaterial[] = [
  {
    slug: 'accord-demo-clip',
    title: 'Getting started: how Accord tracks what you watch',
    kind: 'video',
    summary:
      'A one-minute clip, with captions, that plays from Accord itself: watch it through to see your progress recorded. Only the parts you actually play count, so skipping to the end does not complete it.',
    authors: ['Accord'],
    tags: ['getting started'],
    durationSeconds: 60,
    media: { file: DEMO_CLIP, captions: DEMO_CAPTIONS },
  },
  {
    slug: 'nypd-crisis-negotiation-techniques',
    title: 'Police Negotiation Techniques from the NYPD Crisis Negotiations Team',
    kind: 'article',
    summary:
      'How the New York City Police Department Hostage Negotiation Team works in high-stakes, high-pressure crisis situations, drawing on an article by Jeff Thompson, and what everyday negotiators can borrow from it.',
    authors: ['Jeff Thompson'],
    tags: ['crisis negotiations', 'diplomatic negotiations', 'negotiation skills'],
  },
  {
    slug: 'advice-for-peace-ending-civil-war-in-colombia',
    title: 'Advice for Peace: Ending Civil War in Colombia',
    kind: 'video',
    summary:
      'A freely available video in which Colombian President Juan Manuel Santos and his Peace Advisory Team discuss lessons from the peace negotiations with the FARC guerrillas, ending a 52-year civil war that cost at least 220,000 lives and displaced up to seven million people.',
    authors: ['Juan Manuel Santos'],
    tags: ['great negotiator award', 'pedagogy at pon', 'teaching negotiation', 'diplomatic negotiations', 'international negotiation'],
    durationSeconds: 5400,
  },
  {
    slug: 'bargaining-behind-the-table',
    title: 'Negotiating Skills: How to Bargain “Behind the Table”',
    kind: 'article',
    summary:
      'After the fall of the Berlin Wall, George H. W. Bush and James Baker sought support for German reunification and NATO membership while Mikhail Gorbachev faced opposition at home: a study of helping a counterpart manage their own constituents.',
    authors: [],
    tags: ['negotiation skills', 'diplomatic negotiations'],
  },
  {
    slug: 'overcome-cultural-barriers-in-negotiation',
    title: 'How to Overcome Cultural Barriers in Negotiation',
    kind: 'article',
    summary:
      'An American buyer meets a German supplier: when to expect cultural differences at the table, and how to avoid stereotyping a counterpart from another culture.',
    authors: [],
    tags: ['international negotiation', 'cross-cultural negotiation'],
  },
  {
    slug: 'diplomacy-examples-covid-19-era',
    title: 'Diplomacy Examples in the Covid-19 Era',
    kind: 'article',
    summary:
      'Grounded by the pandemic, the G7, the G20, the IMF and the World Bank met by videoconference; what international diplomacy lost and gained when negotiators were reduced to faces on a screen.',
    authors: [],
    tags: ['international negotiation', 'diplomatic negotiations'],
  },
  {
    slug: 'negotiating-with-difficult-people-refusal-to-communicate',
    title: 'How to Negotiate with Difficult People: International Negotiation, and a Refusal to Communicate',
    kind: 'article',
    summary:
      'Whether to negotiate with a counterpart you believe to be immoral or untrustworthy, drawing on Robert Mnookin’s advice in Bargaining with the Devil.',
    authors: ['Robert Mnookin'],
    tags: ['international negotiation', 'difficult people'],
  },
  {
    slug: 'bargaining-with-the-devil',
    title: 'Bargaining with the Devil: When to Negotiate, When to Fight',
    kind: 'book',
    summary:
      'Program on Negotiation chair Robert Mnookin’s book (Simon & Schuster, 2011) on deciding whether to negotiate with an adversary, weighing costs, benefits and alternatives rather than moral intuition alone.',
    authors: ['Robert Mnookin'],
    tags: ['international negotiation', 'difficult people', 'diplomatic negotiations'],
  },
  {
    slug: 'chen-guangcheng-crisis-negotiation-case',
    title: 'A Crisis Negotiations Case Study: Chen Guangcheng, the United States, China, and Diplomatic Negotiations',
    kind: 'case_study',
    summary:
      'Secretary of State Hillary Clinton’s indirect approach to negotiating with the People’s Republic of China over the dissident Chen Guangcheng, and the power of adaptability with a counterpart from another culture and language.',
    authors: [],
    tags: ['crisis negotiations', 'diplomatic negotiations', 'international negotiation'],
  },
  {
    slug: 'us-china-trade-talks-diplomacy-falls-short',
    title: 'Diplomacy and Negotiation Skills Fall Short In U.S.-China Trade Talks',
    kind: 'article',
    summary:
      'Why sizing up the other side accurately and presenting a united front matter in international business negotiation, seen through trade talks between the United States and China.',
    authors: [],
    tags: ['international negotiation', 'diplomatic negotiations'],
  },
  {
    slug: 'cultural-barriers-culture-and-etiquette',
    title: 'Overcoming Cultural Barriers in Negotiations: The Importance of Culture and Etiquette in Bargaining Scenarios',
    kind: 'article',
    summary:
      'When and how to engage in a counterpart’s cultural traditions, with tips from negotiation research for improving international negotiation skills.',
    authors: [],
    tags: ['international negotiation', 'cross-cultural negotiation'],
  },
  {
    slug: 'conflict-resolution-in-asia-simple-handshake',
    title: 'For Conflict Resolution in Asia, A Simple Handshake Could Go Far',
    kind: 'article',
    summary:
      'How a simple handshake between the leaders of Japan and the People’s Republic of China eased long-held tensions: reciprocity as a way to cool a boiling conflict.',
    authors: [],
    tags: ['conflict resolution', 'international negotiation'],
  },
  {
    slug: 'how-to-turn-a-maybe-into-a-yes',
    title: 'How to Turn a Maybe Into a Yes',
    kind: 'article',
    summary:
      'Adapted from “Closing the Deal” by Harvard Business School professor Michael Wheeler: what to do when interests are uncovered, options are creative and rapport is good, yet there is still no agreement.',
    authors: ['Michael Wheeler'],
    tags: ['negotiation skills'],
  },
  {
    slug: 'pon-teaching-materials-martti-ahtisaari',
    title: 'New PON Teaching Materials About the Work of Martti Ahtisaari, 2010 Great Negotiator Award Recipient',
    kind: 'article',
    summary:
      'Announces teaching materials on former Finnish President Martti Ahtisaari, honoured with the 2010 Great Negotiator Award for his work on Namibian independence in the late 1980s and as chief United Nations negotiator for Kosovo in 2005–2006.',
    authors: [],
    tags: ['great negotiator award', 'teaching negotiation', 'pedagogy at pon', 'international negotiation'],
  },
  {
    slug: 'martti-ahtisaari-great-negotiator-video',
    title: 'Martti Ahtisaari: 2010 Great Negotiator (video)',
    kind: 'video',
    summary:
      'Teaching video from the Great Negotiator Award programme: Martti Ahtisaari reflects on mediating Namibian independence and the Kosovo status talks as chief UN negotiator.',
    authors: ['Martti Ahtisaari'],
    tags: ['great negotiator award', 'teaching negotiation', 'diplomatic negotiations', 'international negotiation'],
    durationSeconds: 3600,
  },
  {
    slug: 'martti-ahtisaari-great-negotiator-case',
    title: 'Martti Ahtisaari and the Kosovo Status Negotiations (case)',
    kind: 'case_study',
    summary:
      'Teaching case on Martti Ahtisaari’s mediation as United Nations envoy for the future status of Kosovo (2005–2006), for discussion of mediator strategy among parties with incompatible positions.',
    authors: [],
    tags: ['great negotiator award', 'teaching negotiation', 'diplomatic negotiations', 'international negotiation'],
  },
  {
    slug: 'exercise-crisis-negotiation-reflection',
    title: 'Exercise: Reflecting on a Crisis Negotiation',
    kind: 'teaching_note',
    summary:
      'A short written exercise: pick one moment from the NYPD or Chen Guangcheng material, describe what the negotiator did to build trust under pressure, and what you would have done differently. Mark it done when submitted to your instructor.',
    authors: ['Accord'],
    tags: ['crisis negotiations', 'teaching negotiation'],
  },
];

export const DEMO_COURSE = {
  slug: 'negotiating-peace',
  title: 'Negotiating Peace: Lessons from Diplomacy and Crisis',
  description:
    'From the negotiating table to the crisis line: how diplomats, mediators and police negotiators reach agreement when the stakes are highest. Built on Program on Negotiation teaching materials.',
  timezone: 'America/New_York',
  /** Days after seeding when the crisis module unlocks. */
  crisisUnlockDays: 21,
  modules: [
    {
      title: 'Start here',
      description: 'A one-minute tour: watch the clip (captions available) to unlock the course.',
      items: [{ slug: 'accord-demo-clip', completion: { type: 'watch', minPercent: 90 } }],
    },
    {
      title: 'Foundations: at and behind the table',
      description: 'Negotiating with your counterpart and with their constituents; culture at the table.',
      items: [
        { slug: 'bargaining-behind-the-table', completion: { type: 'view' } },
        { slug: 'overcome-cultural-barriers-in-negotiation', completion: { type: 'view' } },
        { slug: 'how-to-turn-a-maybe-into-a-yes', completion: { type: 'view' }, required: false },
      ],
    },
    {
      title: 'Ending a civil war: Colombia',
      description: 'President Santos and his advisers on the peace process with the FARC.',
      items: [{ slug: 'advice-for-peace-ending-civil-war-in-colombia', completion: { type: 'watch', minPercent: 90 } }],
    },
    {
      title: 'Great negotiators: Martti Ahtisaari',
      description: 'Namibia and Kosovo: a mediator’s craft.',
      items: [
        { slug: 'martti-ahtisaari-great-negotiator-video', completion: { type: 'watch', minPercent: 80 } },
        { slug: 'martti-ahtisaari-great-negotiator-case', completion: { type: 'view' } },
        { slug: 'pon-teaching-materials-martti-ahtisaari', completion: { type: 'view' }, required: false },
      ],
    },
    {
      title: 'Crisis negotiations',
      description: 'Hostage negotiators and diplomats under pressure.',
      unlocks: true,
      items: [
        { slug: 'nypd-crisis-negotiation-techniques', completion: { type: 'view' } },
        { slug: 'chen-guangcheng-crisis-negotiation-case', completion: { type: 'view' } },
        { slug: 'exercise-crisis-negotiation-reflection', completion: { type: 'mark_done' } },
      ],
    },
    {
      title: 'Bargaining with the devil',
      description: 'When to negotiate with adversaries, and when to walk away.',
      items: [
        { slug: 'bargaining-with-the-devil', completion: { type: 'view' } },
        { slug: 'negotiating-with-difficult-people-refusal-to-communicate', completion: { type: 'view' } },
        { slug: 'us-china-trade-talks-diplomacy-falls-short', completion: { type: 'view' }, required: false },
      ],
    },
  ],
} as const;
