namespace CooperationLedger.Domain;

/// <summary>Marks a list field that the reader rejects when it is empty.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class AtLeastOneAttribute : Attribute;
