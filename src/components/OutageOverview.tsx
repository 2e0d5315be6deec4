import * as React from 'react';
import { Box } from '@twilio-paste/core/box';
import { Heading } from '@twilio-paste/core/heading';
import { ScreenReaderOnly } from '@twilio-paste/core/screen-reader-only';
import { Text } from '@twilio-paste/core/text';
import { useTheme } from '@twilio-paste/core/theme';
import type { ScannedAssignmentStatus, Suspect } from '@plugin-stuck-tasks/contract';
import { NONE } from '../model/filters';
import { statusLabel } from '../model/labels';
import type { EndHours, QueueBar } from '../model/outage';
import { OUTAGE_STATUSES, suspectsByEndHour, suspectsByQueue } from '../model/outage';
import { formatNumber } from '../strings';
import { useTranslate } from './StringsContext';

/** Queues drawn as bars; the rest are in the table (an outage that hits 40 queues reads as a table). */
const MAX_QUEUE_BARS = 12;

// Paste's data-visualization palette, in its documented order, for the four statuses.
const STATUS_COLOR_TOKENS: Record<ScannedAssignmentStatus, string> = {
  pending: 'colorDataVisualization1',
  reserved: 'colorDataVisualization2',
  assigned: 'colorDataVisualization3',
  wrapping: 'colorDataVisualization4',
};
const FALLBACK_COLORS: Record<ScannedAssignmentStatus, string> = {
  pending: '#0263e0',
  reserved: '#ff9c2f',
  assigned: '#14b053',
  wrapping: '#9e5aff',
};

function useStatusColors(): Record<ScannedAssignmentStatus, string> {
  const theme = useTheme() as { dataVisualization?: Record<string, string> };
  return React.useMemo(() => {
    const palette = theme.dataVisualization ?? {};
    const colors = { ...FALLBACK_COLORS };
    for (const status of OUTAGE_STATUSES) colors[status] = palette[STATUS_COLOR_TOKENS[status]] ?? colors[status];
    return colors;
  }, [theme]);
}

// Built once: `toLocaleString` with options builds a formatter per call, a hundred per filter change.
const HOUR_FORMAT = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const TIME_FORMAT = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const hourLabel = (hourStart: number) => HOUR_FORMAT.format(hourStart);

/**
 * A picture of the outage from the suspects shown: where (queue, stacked by status) and when (the hour
 * the calls ended). Drawn with Paste boxes and its data-visualization colours, no chart library; the
 * drawing is hidden from assistive technology, which gets the same numbers as tables instead.
 */
export const OutageOverview = React.memo(function OutageOverview({ suspects }: { suspects: readonly Suspect[] }) {
  const t = useTranslate();
  // A filter change that leaves the counts as they were (most keystrokes in the SID field) keeps the
  // same objects, so the memoised charts below are not drawn again.
  const byQueue = useSameIfEqual(React.useMemo(() => suspectsByQueue(suspects), [suspects]));
  const byHour = useSameIfEqual(React.useMemo(() => suspectsByEndHour(suspects), [suspects]));
  if (suspects.length === 0) return null;
  return (
    <Box as="section" aria-labelledby="stuck-tasks-outage-heading">
      <Heading as="h2" variant="heading30" id="stuck-tasks-outage-heading">
        {t('StuckTasksOutageHeading')}
      </Heading>
      <Box display="flex" flexWrap="wrap" columnGap="space100" rowGap="space60">
        <Box flexGrow={1} flexBasis="22rem" minWidth="0">
          <QueueChart bars={byQueue} total={suspects.length} />
        </Box>
        <Box flexGrow={1} flexBasis="22rem" minWidth="0">
          <HourChart hours={byHour} />
        </Box>
      </Box>
    </Box>
  );
});

/** The previous value while the new one has the same JSON, so memoised children can skip it. */
function useSameIfEqual<T>(value: T): T {
  const previous = React.useRef<{ value: T; json: string } | null>(null);
  const json = JSON.stringify(value);
  if (previous.current?.json !== json) previous.current = { value, json };
  return previous.current.value;
}

const QueueChart = React.memo(function QueueChart({ bars, total }: { bars: QueueBar[]; total: number }) {
  const t = useTranslate();
  const colors = useStatusColors();
  const queueName = (queue: string) => (queue === NONE ? t('StuckTasksNoQueue') : queue);
  const max = Math.max(1, ...bars.map((bar) => bar.total));
  const top = bars[0];
  return (
    <Box>
      <Heading as="h3" variant="heading50">
        {t('StuckTasksOutageByQueue')}
      </Heading>
      <Text as="p" marginBottom="space30">
        {t('StuckTasksOutageByQueueSummary', {
          total,
          queues: bars.length,
          top: queueName(top.queue),
          topCount: top.total,
        })}
      </Text>
      <Box aria-hidden="true" data-testid="outage-queue-bars">
        <Box display="flex" flexWrap="wrap" columnGap="space50" marginBottom="space30">
          {OUTAGE_STATUSES.map((status) => (
            <Box key={status} display="flex" alignItems="center" columnGap="space20">
              <Box as="span" width="sizeSquare40" height="sizeSquare40" style={{ backgroundColor: colors[status] }} />
              <Text as="span" fontSize="fontSize20">
                {statusLabel(status, t)}
              </Text>
            </Box>
          ))}
        </Box>
        {bars.slice(0, MAX_QUEUE_BARS).map((bar) => (
          <Box key={bar.queue} display="flex" alignItems="center" columnGap="space30" marginBottom="space20">
            <Box
              as="span"
              fontSize="fontSize20"
              width="8rem"
              flexShrink={0}
              overflow="hidden"
              textOverflow="ellipsis"
              whiteSpace="nowrap"
            >
              {queueName(bar.queue)}
            </Box>
            <Box flexGrow={1} display="flex" height="sizeSquare50">
              {OUTAGE_STATUSES.filter((status) => bar.byStatus[status] > 0).map((status) => (
                <Box
                  key={status}
                  height="100%"
                  style={{ width: `${(bar.byStatus[status] / max) * 100}%`, backgroundColor: colors[status] }}
                />
              ))}
            </Box>
            <Box as="span" fontSize="fontSize20" width="3rem" flexShrink={0} textAlign="right">
              {formatNumber(bar.total)}
            </Box>
          </Box>
        ))}
      </Box>
      <ScreenReaderOnly>
        <table aria-label={t('StuckTasksOutageByQueue')}>
          <thead>
            <tr>
              <th scope="col">{t('StuckTasksColumnQueue')}</th>
              {OUTAGE_STATUSES.map((status) => (
                <th scope="col" key={status}>
                  {statusLabel(status, t)}
                </th>
              ))}
              <th scope="col">{t('StuckTasksColumnTotal')}</th>
            </tr>
          </thead>
          <tbody>
            {bars.map((bar) => (
              <tr key={bar.queue}>
                <th scope="row">{queueName(bar.queue)}</th>
                {OUTAGE_STATUSES.map((status) => (
                  <td key={status}>{formatNumber(bar.byStatus[status])}</td>
                ))}
                <td>{formatNumber(bar.total)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScreenReaderOnly>
    </Box>
  );
});

/*
 * The hour bars and the screen-reader tables are plain elements: up to 48 bars and their rows as Paste
 * components cost more to render than the rest of a filter change, and neither is seen styled (the
 * bars are shapes hidden from assistive technology, the tables are visually hidden).
 */
const HourChart = React.memo(function HourChart({ hours }: { hours: EndHours }) {
  const t = useTranslate();
  const colors = useStatusColors();
  const bars = hours.hours;
  const max = Math.max(1, ...bars.map((bar) => bar.count));
  const peak = bars.reduce<(typeof bars)[number] | null>(
    (best, bar) => (best && best.count >= bar.count ? best : bar),
    null,
  );
  // A label under about every sixth bar keeps them from overlapping.
  const labelEvery = Math.max(1, Math.ceil(bars.length / 6));
  return (
    <Box>
      <Heading as="h3" variant="heading50">
        {t('StuckTasksOutageByHour')}
      </Heading>
      {peak ? (
        <Text as="p" marginBottom="space30">
          {t('StuckTasksOutageByHourSummary', {
            first: hourLabel(bars[0].hourStart),
            last: hourLabel(bars[bars.length - 1].hourStart),
            peak: hourLabel(peak.hourStart),
            peakCount: peak.count,
          })}
        </Text>
      ) : null}
      {hours.unknown > 0 ? <Text as="p">{t('StuckTasksOutageUnknownEnd', { count: hours.unknown })}</Text> : null}
      {hours.earlier > 0 ? <Text as="p">{t('StuckTasksOutageEarlier', { count: hours.earlier })}</Text> : null}
      {bars.length > 0 ? (
        <Box aria-hidden="true" data-testid="outage-hour-bars">
          <Box display="flex" alignItems="flex-end" columnGap="space10" height="8rem" marginTop="space30">
            {bars.map((bar) => (
              <div
                key={bar.hourStart}
                title={`${hourLabel(bar.hourStart)}: ${formatNumber(bar.count)}`}
                style={{ flex: '1 1 0', height: `${(bar.count / max) * 100}%`, backgroundColor: colors.assigned }}
              />
            ))}
          </Box>
          <Box display="flex" columnGap="space10" fontSize="fontSize10">
            {bars.map((bar, index) => (
              <span key={bar.hourStart} style={{ flex: '1 1 0', whiteSpace: 'nowrap' }}>
                {index % labelEvery === 0 ? TIME_FORMAT.format(bar.hourStart) : ''}
              </span>
            ))}
          </Box>
        </Box>
      ) : null}
      <ScreenReaderOnly>
        <table aria-label={t('StuckTasksOutageByHour')}>
          <thead>
            <tr>
              <th scope="col">{t('StuckTasksColumnHour')}</th>
              <th scope="col">{t('StuckTasksColumnCount')}</th>
            </tr>
          </thead>
          <tbody>
            {bars.map((bar) => (
              <tr key={bar.hourStart}>
                <th scope="row">{hourLabel(bar.hourStart)}</th>
                <td>{formatNumber(bar.count)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScreenReaderOnly>
    </Box>
  );
});
