using System.Text;
using System.Text.RegularExpressions;

namespace CooperationLedger.Domain;

/// <summary>How names written by different hands are recognised as the same organization or person.</summary>
public static partial class Names
{
    /// <summary>
    /// The identity of an organization name: case, whitespace and punctuation do not count, nor a leading "The"
    /// ("The School of Innovation and Entrepreneurship Shandong University" is
    /// "School of Innovation and Entrepreneurship, Shandong University").
    /// </summary>
    public static string OrganizationKey(string name) => LettersAndDigits(LeadingThe().Replace(name.Trim(), ""));

    /// <summary>A person's name without honorifics written before it ("Dean. He Jiaxun" is "He Jiaxun").</summary>
    public static string WithoutHonorific(string name)
    {
        var stripped = name.Trim();
        while (LeadingHonorific().Match(stripped) is { Success: true } honorific && honorific.Length < stripped.Length)
        {
            stripped = stripped[honorific.Length..].TrimStart();
        }

        return stripped;
    }

    /// <summary>The identity of a person: the name without honorifics, ignoring case, whitespace and punctuation.</summary>
    public static string PersonKey(string name) => LettersAndDigits(WithoutHonorific(name));

    private static string LettersAndDigits(string text)
    {
        var key = new StringBuilder(text.Length);
        foreach (var character in text.Where(char.IsLetterOrDigit))
        {
            key.Append(char.ToLowerInvariant(character));
        }

        return key.ToString();
    }

    [GeneratedRegex(@"^the\s+", RegexOptions.IgnoreCase)]
    private static partial Regex LeadingThe();

    // With a period these are unmistakably honorifics; without one only the abbreviations are, as "Dean" is also a name.
    [GeneratedRegex(@"^(?:(?:dean|professor|prof|dr|mr|mrs|ms|madam)\.|(?:prof|dr|mr|mrs|ms)\s)", RegexOptions.IgnoreCase)]
    private static partial Regex LeadingHonorific();
}
