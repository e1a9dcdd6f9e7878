using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.Json;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Api.Tables;

/// <summary>
/// Columns from a CRD's additionalPrinterColumns, as apiextensions-apiserver's table convertor renders
/// them: the first value the path selects, typed by the column (integer, number, boolean, string;
/// date → an age such as "5m"); missing or mistyped values are empty (null) cells.
/// </summary>
internal static class CustomColumnsPrinter
{
    public static TablePrinter Create(IReadOnlyList<PrinterColumn> columns)
    {
        var paths = columns.Select(c => TryParse(c.JsonPath)).ToList();
        var definitions = new List<TableColumn> { TableColumn.NameColumn };
        definitions.AddRange(columns.Select(c => new TableColumn(c.Name, c.Type, c.Description, c.Priority, c.Format)));
        return new TablePrinter(definitions, (obj, now) =>
        {
            var cells = new JsonNode?[columns.Count + 1];
            cells[0] = JsonRead.Str(obj, "metadata", "name");
            for (var i = 0; i < columns.Count; i++)
            {
                var value = paths[i]?.Evaluate(obj).FirstOrDefault();
                cells[i + 1] = Cell(columns[i].Type, value, now);
            }

            return cells;
        });
    }

    private static PrinterColumnPath? TryParse(string path)
    {
        try
        {
            return PrinterColumnPath.Parse(path);
        }
        catch (FormatException)
        {
            return null; // CRD validation rejects such paths; a column that slipped through prints empty.
        }
    }

    internal static JsonNode? Cell(string type, JsonNode? value, DateTimeOffset now)
    {
        if (value is null) return null;
        var kind = value.GetValueKind();
        return type switch
        {
            "integer" when kind == JsonValueKind.Number => (long)JsonRead.Number(value),
            "number" when kind == JsonValueKind.Number => JsonRead.Number(value),
            "boolean" when kind is JsonValueKind.True or JsonValueKind.False => kind == JsonValueKind.True,
            "date" when kind == JsonValueKind.String => DateCell(value.GetValue<string>(), now),
            "string" => kind switch
            {
                JsonValueKind.String => value.GetValue<string>(),
                JsonValueKind.Number => JsonRead.Number(value).ToString(CultureInfo.InvariantCulture),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                _ => value.ToJsonString(),
            },
            _ => null,
        };
    }

    private static string DateCell(string timestamp, DateTimeOffset now) =>
        DateTimeOffset.TryParse(timestamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? HumanDuration.Format(now - at)
            : "<invalid>";
}
