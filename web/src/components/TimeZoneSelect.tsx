const zones = (): string[] => {
  const intl = Intl as typeof Intl & { supportedValuesOf?: (key: string) => string[] };
  return intl.supportedValuesOf?.('timeZone') ?? ['UTC'];
};

/** Every IANA time zone the browser knows (plus the current value, e.g. "UTC", if it is not listed). */
export function TimeZoneSelect({ id, name, value }: { id: string; name: string; value: string }) {
  const all = zones();
  const options = all.includes(value) ? all : [value, ...all];
  return (
    <select id={id} name={name} defaultValue={value}>
      {options.map((zone) => (
        <option key={zone}>{zone}</option>
      ))}
    </select>
  );
}
