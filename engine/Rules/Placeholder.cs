namespace LlmOperator.Rules;
