import { createHash } from 'node:crypto';
import type { SourceDocument } from '../../types';

/** Source documents for script-writer tests: factual, encyclopedia-style prose written for podfleet. */
export function makeDocument(
  title: string,
  text: string,
  extra: Partial<Pick<SourceDocument, 'kind' | 'url' | 'publishedAt'>> = {},
): SourceDocument {
  return {
    kind: extra.kind ?? 'text',
    title,
    url: extra.url ?? null,
    publishedAt: extra.publishedAt ?? null,
    text,
    contentHash: createHash('sha256').update(text).digest('hex'),
  };
}

export const erieCanal = makeDocument(
  'The Erie Canal',
  `The Erie Canal is a waterway in New York State that connects the Hudson River at Albany with Lake Erie at Buffalo. When it opened in 1825, it was the longest artificial waterway in North America, running about 363 miles. The canal made it possible to ship goods by water from the Atlantic Ocean to the Great Lakes without crossing the Appalachian Mountains.

Before the canal, moving a ton of freight from Buffalo to New York City took about two weeks by wagon and cost roughly 100 dollars. After the canal opened, the same trip took around eight days and cost about 10 dollars. That drop in cost changed what farmers in the Midwest could afford to sell in eastern markets.

The project was championed by DeWitt Clinton, who served as governor of New York. Critics called the plan "Clinton's Folly" and doubted that a canal through so much wilderness could ever pay for itself. The state legislature approved funding in 1817, and construction began on July 4 of that year in the town of Rome.

Most of the digging was done by hand, with shovels, picks, and horse-drawn scrapers. Thousands of laborers worked on the canal, including many Irish immigrants. Engineers had little formal training, so they learned on the job, and the canal is often described as the first school of American civil engineering.

The original canal was 40 feet wide and 4 feet deep. It needed 83 locks to raise and lower boats about 565 feet between the Hudson River and Lake Erie. One of the hardest sections was at Lockport, where a flight of five double locks carried boats up the Niagara Escarpment.

Boats on the canal were pulled by mules and horses walking along a towpath beside the water. A driver, often a teenage boy, guided the animals for hours at a time. Packet boats carried passengers, while line boats carried freight and people more slowly and more cheaply.

The canal was an immediate financial success. Tolls collected in the first decade paid off the construction debt, which had been about seven million dollars. New York City quickly became the busiest port in the United States, and towns along the route, such as Syracuse, Rochester, and Buffalo, grew rapidly.

Because of its success, the canal was enlarged between 1836 and 1862 so it could handle bigger boats. In the early twentieth century, much of it was rebuilt as part of the New York State Barge Canal, which used motorized tugboats instead of animals.

Commercial traffic declined after railroads and highways took over most freight. Today the canal is used mainly by recreational boaters, and the old towpath has become a trail for cyclists and walkers. In 2000, Congress designated the Erie Canalway National Heritage Corridor to preserve its history.`,
);

export const photosynthesis = makeDocument(
  'How Photosynthesis Works',
  `Photosynthesis is the process that plants, algae, and some bacteria use to turn light energy into chemical energy. During photosynthesis, these organisms take in carbon dioxide and water and produce sugar and oxygen. Nearly all the oxygen in Earth's atmosphere comes from this process.

In plants, photosynthesis happens mainly in the leaves, inside structures called chloroplasts. Chloroplasts contain a green pigment called chlorophyll, which absorbs red and blue light very well. Chlorophyll reflects green light, which is why most leaves look green to our eyes.

Scientists divide photosynthesis into two main stages. The first stage is the set of light-dependent reactions, which take place in membranes called thylakoids. In these reactions, light energy splits water molecules, releasing oxygen as a by-product. The energy captured is stored temporarily in two carrier molecules known as ATP and NADPH.

The second stage is called the Calvin cycle, named after the chemist Melvin Calvin, who mapped it in the 1950s. The Calvin cycle takes place in the fluid around the thylakoids, called the stroma. It uses ATP and NADPH to build sugar from carbon dioxide. A key enzyme in this cycle is rubisco, which attaches carbon dioxide to an existing five-carbon molecule.

Rubisco is thought to be the most abundant protein on Earth. It is also surprisingly slow and sometimes grabs oxygen instead of carbon dioxide. That mistake triggers a wasteful process called photorespiration, which can reduce how much sugar a plant makes on hot, dry days.

Some plants have evolved ways around this problem. Corn and sugarcane use a method known as C4 photosynthesis, which concentrates carbon dioxide around rubisco. Cacti and pineapples use a method called CAM, opening their pores at night to take in carbon dioxide and keeping them closed during the hot day to save water.

The sugar made during photosynthesis feeds the plant and, through food chains, almost every other living thing. Plants use it to grow stems, roots, leaves, and seeds, and they burn some of it for energy through respiration. When animals eat plants, they take in that stored energy as well.

Photosynthesis also shapes the climate. Forests, grasslands, and ocean plankton remove large amounts of carbon dioxide from the air each year. Tiny ocean organisms called phytoplankton carry out roughly half of all photosynthesis on the planet.

Researchers are studying photosynthesis to improve crops and to design artificial systems that make fuel from sunlight. Some teams are trying to engineer a faster version of rubisco. Others are building artificial leaves that use light to split water and produce hydrogen, a fuel that burns cleanly.`,
);

export const apollo11 = makeDocument(
  'The Apollo 11 Moon Landing',
  `Apollo 11 was the first crewed mission to land on the Moon. It launched from Kennedy Space Center in Florida on July 16, 1969, on top of a Saturn V rocket. The crew was commander Neil Armstrong, lunar module pilot Buzz Aldrin, and command module pilot Michael Collins.

The mission answered a challenge set by President John F. Kennedy in 1961. Kennedy had asked the nation to land a person on the Moon and return them safely to Earth before the end of the decade. At the time, the United States had flown only one astronaut, on a suborbital flight lasting about 15 minutes.

The Saturn V stood about 363 feet tall and remains one of the most powerful rockets ever flown. Its first stage burned kerosene and liquid oxygen and produced about 7.5 million pounds of thrust at liftoff. The spacecraft reached Earth orbit about 12 minutes after launch and then fired its third stage to head for the Moon.

After three days of travel, Apollo 11 entered orbit around the Moon. On July 20, Armstrong and Aldrin climbed into the lunar module, named Eagle, and separated from the command module, Columbia. Collins stayed behind in Columbia, orbiting alone and losing radio contact each time he passed behind the Moon.

The descent was tense. The lunar module's computer raised several program alarms because it was overloaded with data. Armstrong also saw that the planned landing site was covered in boulders, so he took partial manual control and flew the craft farther downrange. When Eagle touched down in the Sea of Tranquility, it had less than a minute of fuel left before a required abort decision.

About six and a half hours after landing, Armstrong stepped onto the surface. He said, "That's one small step for man, one giant leap for mankind." Aldrin joined him about 20 minutes later. An estimated 650 million people around the world watched the grainy television broadcast.

The two astronauts spent about two and a half hours outside the spacecraft. They planted an American flag, set up a seismometer and a laser reflector, and collected about 47 pounds of lunar rock and soil. The laser reflector is still used today to measure the distance between Earth and the Moon very precisely.

Eagle's ascent stage lifted off on July 21 and docked with Columbia in lunar orbit. The crew then fired the main engine to leave the Moon and return home. Columbia splashed down in the Pacific Ocean on July 24, 1969, where the recovery ship USS Hornet picked up the crew.

Because scientists worried that the astronauts might carry unknown microbes, the crew spent 21 days in quarantine after returning. No harmful organisms were found. Five more Apollo missions landed on the Moon through 1972, and in total twelve astronauts walked on its surface.`,
);

export const postalReform = makeDocument(
  'Postal Service Reform Act of 2022',
  `The Postal Service Reform Act of 2022 is a federal law that changed how the United States Postal Service pays for retiree health care and how it reports on its performance. The bill was introduced in the House of Representatives in May 2021 as H.R. 3076. It passed the House in February 2022 and the Senate in March 2022, and it became Public Law 117-108 on April 6, 2022.

The most significant change ends a requirement created in 2006 that the Postal Service prefund health benefits for future retirees. Under the 2006 law, the agency had to pay billions of dollars each year into a fund for retirees who had not yet been hired. Those payments were a major reason the Postal Service reported large losses for more than a decade.

The law cancels the past-due prefunding payments that the Postal Service had not made. Supporters estimated that this change and related provisions would improve the agency's finances by roughly 50 billion dollars over ten years. The Congressional Budget Office published its own estimates of how the changes would affect federal spending.

The act also requires future postal retirees who are eligible for Medicare to enroll in Medicare Parts A and B. A new Postal Service Health Benefits Program was created within the Federal Employees Health Benefits Program. Current retirees and employees near retirement are treated differently under transition rules set out in the law.

Another section requires the Postal Service to keep delivering mail and packages six days a week, in an integrated network. The agency must also publish weekly service performance data on a public website. The data shows how often mail arrives on time, broken down by region and by type of mail.

The law passed with bipartisan support. In the House, the vote was 342 to 92, and in the Senate the vote was 79 to 19. Postal unions, mailers, and the Postal Service leadership all said they supported the final version of the bill.

Critics argued that moving retirees onto Medicare shifts costs from the Postal Service to the Medicare program. Some analysts also said that the law does not solve the longer-term challenge of falling letter volume. First-class mail volume has dropped by nearly half since its peak in 2001.

The Postal Service delivers to more than 160 million addresses and employs over 600,000 people. It receives no tax dollars for its operating expenses and relies on the sale of postage and services. Lawmakers said the reform would help the agency invest in new vehicles, processing equipment, and package delivery.`,
  {
    kind: 'congress',
    url: 'https://api.congress.gov/v3/bill/117/hr/3076?format=json',
    publishedAt: '2022-04-06',
  },
);

/** A scraped page: headings, captions and calls to action around a few content paragraphs. */
export const noisyArticle = makeDocument(
  'City Opens New Public Library Branch',
  `Skip to main content
Local News
City Opens New Public Library Branch
Photo: Getty Images
The city opened its newest public library branch on Saturday in the Riverside neighborhood, the first new branch in more than twenty years. The two-story building includes a children's wing, a teen study room, and a makerspace with 3D printers and sewing machines.
Subscribe to our newsletter for the latest local news.
Library officials said the branch will stay open until 9 p.m. on weekdays, later than any other location in the system. The building cost about 18 million dollars, paid for by a bond measure that voters approved in 2019.
Share this article on Facebook and Twitter.
The branch also runs on solar panels installed on its roof, which are expected to supply about 40 percent of its electricity. Residents can borrow laptops and wireless hotspots for up to three weeks with a library card.
Read more: Council approves budget for parks
Copyright 2024 Example News. All rights reserved.`,
  { kind: 'url', url: 'https://news.example.com/library-branch' },
);

/** Too little text for a multi-minute episode. */
export const thinDocument = makeDocument(
  'Weather Note',
  'The city recorded its warmest February on record this year. The average temperature was about four degrees above the long-term normal. Forecasters expect a cooler start to March.',
);

export const richDocuments = [erieCanal, photosynthesis, apollo11, postalReform];

/**
 * A spoken line of exactly `words` words drawn from `source`'s text, so a hand-written test script
 * can meet its length target (the LLM writers' length check then asks nothing more).
 */
export function lineOfWords(source: SourceDocument, words: number): string {
  const pool = source.text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w));
  return Array.from({ length: words }, (_, i) => pool[i % pool.length]).join(' ');
}
