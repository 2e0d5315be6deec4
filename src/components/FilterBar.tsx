import * as React from 'react';
import { Box } from '@twilio-paste/core/box';
import { Button } from '@twilio-paste/core/button';
import { Heading } from '@twilio-paste/core/heading';
import { HelpText } from '@twilio-paste/core/help-text';
import { Input } from '@twilio-paste/core/input';
import { Label } from '@twilio-paste/core/label';
import { Option, Select } from '@twilio-paste/core/select';
import { Text } from '@twilio-paste/core/text';
import type { CallStatus, ScannedAssignmentStatus } from '@plugin-stuck-tasks/contract';
import type { FilterOptions, ListKind, TaskFilter } from '../model/filters';
import { EMPTY_FILTER, LIST_KINDS, NONE, parseAgeMinutes } from '../model/filters';
import { callStatusLabel, listKindLabel, statusLabel } from '../model/labels';
import { useTranslate } from './StringsContext';

export interface FilterBarProps {
  filter: TaskFilter;
  onChange: (filter: TaskFilter) => void;
  options: FilterOptions;
  /** What the filter lets through, read out when it changes. */
  resultText: string;
}

// Select values are strings: these stand for "any value" and "no value" (a task without a queue or agent).
const ANY = '*any*';
const NONE_VALUE = '*none*';
const toSelect = (value: string | null) => (value === null ? ANY : value === NONE ? NONE_VALUE : value);
const fromSelect = (value: string) => (value === ANY ? null : value === NONE_VALUE ? NONE : value);

/**
 * The filter over both lists: labelled Paste form controls in tab order, the age bounds checked as
 * they are typed, and the result count in a live region.
 */
// Memoised: a selection change re-renders the view, and the agent list alone can hold a hundred options.
export const FilterBar = React.memo(function FilterBar({ filter, onChange, options, resultText }: FilterBarProps) {
  const t = useTranslate();
  // The age fields keep what was typed, valid or not; the filter only gets valid bounds.
  const [ageTexts, setAgeTexts] = React.useState({ min: '', max: '' });
  const set = (patch: Partial<TaskFilter>) => onChange({ ...filter, ...patch });

  const onAge = (bound: 'min' | 'max', text: string) => {
    setAgeTexts((current) => ({ ...current, [bound]: text }));
    const parsed = parseAgeMinutes(text);
    const value = parsed === 'invalid' ? null : parsed;
    set(bound === 'min' ? { minAgeMinutes: value } : { maxAgeMinutes: value });
  };
  const clear = () => {
    setAgeTexts({ min: '', max: '' });
    onChange(EMPTY_FILTER);
  };
  // A new scan may no longer list the chosen queue or agent: keep it offered, or the select would show
  // "Any" while the filter still applies.
  // A big outage lists hundreds of agents: the option elements are built once per list, so changing
  // another criterion does not re-render every Paste Option (React skips an element it has seen).
  const queueOptions = React.useMemo(
    () =>
      withChosen(options.queues, filter.queue).map((queue) => (
        <Option key={queue} value={toSelect(queue)}>
          {queue === NONE ? t('StuckTasksNoQueue') : queue}
        </Option>
      )),
    [options.queues, filter.queue, t],
  );
  const agentOptions = React.useMemo(() => {
    const agents =
      filter.agent === null || options.agents.some((agent) => agent.value === filter.agent)
        ? options.agents
        : [...options.agents, { value: filter.agent, name: filter.agent === NONE ? null : filter.agent }];
    return agents.map((agent) => (
      <Option key={agent.value} value={toSelect(agent.value)}>
        {agent.name ?? t('StuckTasksNoAgent')}
      </Option>
    ));
  }, [options.agents, filter.agent, t]);
  const statuses = withChosen(options.statuses, filter.status);
  const callStatuses = withChosen(options.callStatuses, filter.callStatus);
  const minInvalid = parseAgeMinutes(ageTexts.min) === 'invalid';
  const maxInvalid = parseAgeMinutes(ageTexts.max) === 'invalid';

  return (
    <Box as="section" aria-labelledby="stuck-tasks-filter-heading">
      <Heading as="h2" variant="heading40" id="stuck-tasks-filter-heading">
        {t('StuckTasksFiltersHeading')}
      </Heading>
      <Box
        display="grid"
        gridTemplateColumns="repeat(auto-fill, minmax(12rem, 1fr))"
        columnGap="space40"
        rowGap="space40"
        alignItems="start"
      >
        <Field id="stuck-tasks-filter-queue" label={t('StuckTasksFilterQueue')}>
          <Select
            id="stuck-tasks-filter-queue"
            value={toSelect(filter.queue)}
            onChange={(event) => set({ queue: fromSelect(event.target.value) })}
          >
            <Option value={ANY}>{t('StuckTasksFilterAny')}</Option>
            {queueOptions}
          </Select>
        </Field>
        <Field id="stuck-tasks-filter-status" label={t('StuckTasksFilterStatus')}>
          <Select
            id="stuck-tasks-filter-status"
            value={toSelect(filter.status)}
            onChange={(event) => set({ status: fromSelect(event.target.value) as ScannedAssignmentStatus | null })}
          >
            <Option value={ANY}>{t('StuckTasksFilterAny')}</Option>
            {statuses.map((status) => (
              <Option key={status} value={status}>
                {statusLabel(status, t)}
              </Option>
            ))}
          </Select>
        </Field>
        <Field id="stuck-tasks-filter-kind" label={t('StuckTasksFilterKind')}>
          <Select
            id="stuck-tasks-filter-kind"
            value={toSelect(filter.kind)}
            onChange={(event) => set({ kind: fromSelect(event.target.value) as ListKind | null })}
          >
            <Option value={ANY}>{t('StuckTasksFilterAny')}</Option>
            {LIST_KINDS.map((kind) => (
              <Option key={kind} value={kind}>
                {listKindLabel(kind, t)}
              </Option>
            ))}
          </Select>
        </Field>
        <Field id="stuck-tasks-filter-call-status" label={t('StuckTasksFilterCallStatus')}>
          <Select
            id="stuck-tasks-filter-call-status"
            value={toSelect(filter.callStatus)}
            onChange={(event) => set({ callStatus: fromSelect(event.target.value) as CallStatus | null })}
          >
            <Option value={ANY}>{t('StuckTasksFilterAny')}</Option>
            {callStatuses.map((status) => (
              <Option key={status} value={status}>
                {callStatusLabel(status, t)}
              </Option>
            ))}
          </Select>
        </Field>
        <Field id="stuck-tasks-filter-agent" label={t('StuckTasksFilterAgent')}>
          <Select
            id="stuck-tasks-filter-agent"
            value={toSelect(filter.agent)}
            onChange={(event) => set({ agent: fromSelect(event.target.value) })}
          >
            <Option value={ANY}>{t('StuckTasksFilterAny')}</Option>
            {agentOptions}
          </Select>
        </Field>
        <Field
          id="stuck-tasks-filter-min-age"
          label={t('StuckTasksFilterMinAge')}
          error={minInvalid ? t('StuckTasksFilterAgeInvalid') : null}
        >
          <Input
            id="stuck-tasks-filter-min-age"
            type="text"
            inputMode="numeric"
            value={ageTexts.min}
            hasError={minInvalid}
            aria-describedby={minInvalid ? 'stuck-tasks-filter-min-age-help' : undefined}
            onChange={(event) => onAge('min', event.target.value)}
          />
        </Field>
        <Field
          id="stuck-tasks-filter-max-age"
          label={t('StuckTasksFilterMaxAge')}
          error={maxInvalid ? t('StuckTasksFilterAgeInvalid') : null}
        >
          <Input
            id="stuck-tasks-filter-max-age"
            type="text"
            inputMode="numeric"
            value={ageTexts.max}
            hasError={maxInvalid}
            aria-describedby={maxInvalid ? 'stuck-tasks-filter-max-age-help' : undefined}
            onChange={(event) => onAge('max', event.target.value)}
          />
        </Field>
        <Field id="stuck-tasks-filter-text" label={t('StuckTasksFilterText')} help={t('StuckTasksFilterTextHelp')}>
          <Input
            id="stuck-tasks-filter-text"
            type="search"
            value={filter.text}
            aria-describedby="stuck-tasks-filter-text-help"
            onChange={(event) => set({ text: event.target.value })}
          />
        </Field>
      </Box>
      <Box display="flex" flexWrap="wrap" alignItems="center" columnGap="space40" marginTop="space40">
        <Button variant="secondary" size="small" onClick={clear}>
          {t('StuckTasksFilterClear')}
        </Button>
        <Text as="p" aria-live="polite" aria-atomic="true" id="stuck-tasks-filter-result">
          {resultText}
        </Text>
      </Box>
    </Box>
  );
});

function withChosen<T>(values: readonly T[], chosen: T | null): readonly T[] {
  return chosen === null || values.includes(chosen) ? values : [...values, chosen];
}

const Field: React.FC<{ id: string; label: string; help?: string; error?: string | null }> = ({
  id,
  label,
  help,
  error,
  children,
}) => (
  <Box>
    <Label htmlFor={id}>{label}</Label>
    {children}
    {error ? (
      <HelpText id={`${id}-help`} variant="error">
        {error}
      </HelpText>
    ) : help ? (
      <HelpText id={`${id}-help`}>{help}</HelpText>
    ) : null}
  </Box>
);
